using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Comms.Gateway.Max.Features.Sending;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Linking;

/// <summary>
/// The token in a personal link (<c>https://max.ru/&lt;bot&gt;?start=&lt;token&gt;</c>), which MAX hands back as the
/// <c>bot_started</c> update's payload: version (1 byte), link id (16), expiry in Unix seconds (4), and the first 16 bytes
/// of HMAC-SHA256 over those with <see cref="MaxOptions.LinkSecret"/>; base64url without padding, 50 characters of
/// A–Z a–z 0–9 _ - (a deep link's payload is at most 64 such characters, as far as known). Unguessable (a random link
/// id and a 128-bit tag) and verified before the database is asked.
/// </summary>
public sealed class LinkTokens(IOptions<MaxOptions> options)
{
    private const byte Version = 1;
    private const int BodyLength = 1 + 16 + 4;
    private const int TagLength = 16;
    public const int Length = 50;

    public string Issue(Guid linkId, DateTimeOffset expiresAt)
    {
        Span<byte> token = stackalloc byte[BodyLength + TagLength];
        token[0] = Version;
        linkId.TryWriteBytes(token.Slice(1, 16));
        BinaryPrimitives.WriteUInt32BigEndian(token.Slice(17, 4), (uint)expiresAt.ToUnixTimeSeconds());
        Tag(token[..BodyLength], token[BodyLength..]);
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The link id and expiry of a token this gateway issued; false for anything else (forged, altered, garbled).</summary>
    public bool TryRead(string? token, out Guid linkId, out DateTimeOffset expiresAt)
    {
        linkId = Guid.Empty;
        expiresAt = default;
        if (token is null || token.Length != Length || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return false;
        }

        var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "==");
        if (bytes.Length != BodyLength + TagLength || bytes[0] != Version)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagLength];
        Tag(bytes.AsSpan(0, BodyLength), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(BodyLength)))
        {
            return false;
        }

        linkId = new Guid(bytes.AsSpan(1, 16));
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(17, 4)));
        return true;
    }

    private void Tag(ReadOnlySpan<byte> body, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSecret), body, mac);
        mac[..TagLength].CopyTo(tag);
    }
}
