using Comms.Contracts;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Answers;

/// <summary>What an answer link stands for: this answer to this message, until then.</summary>
public sealed record AnswerLink(Guid MessageId, string Answer, DateTimeOffset ExpiresAt);

public enum AnswerLinkState
{
    Valid,

    /// <summary>Damaged, forged, or signed with another secret.</summary>
    Invalid,

    /// <summary>Genuine, but past <see cref="AnswerLink.ExpiresAt"/>.</summary>
    Expired,
}

/// <summary>
/// Signed one-click answers to a confirmation request: the message id, the answer and the expiry in the URL, and an
/// HMAC-SHA256 over them with the gateway's secret (cut to 128 bits, which keeps the link short enough for a
/// plain-text mail). The answer is the one a reply would give, so it is routed as a reply is.
/// </summary>
public sealed class AnswerLinks(IOptions<AnswerLinkOptions> options, TimeProvider time)
{
    /// <summary>The expected reply of a confirmation request (ComposeMessage.ExpectedReply, as Scheduling sets it).</summary>
    public const string ConfirmationReply = ExpectedReplies.Confirmation;

    public const string Confirm = "1";
    public const string Cancel = "2";

    private const byte Version = 1;
    private const int SignatureBytes = 16;
    private static readonly byte[] Purpose = "comms-email-answer-link"u8.ToArray();

    /// <summary>The «Подтвердить» and «Отменить» links of one confirmation request, valid for the configured lifetime.</summary>
    public (string Confirm, string Cancel) ConfirmationUrls(Guid messageId)
    {
        var expiresAt = time.GetUtcNow() + options.Value.LinkLifetime;
        return (UrlFor(new AnswerLink(messageId, Confirm, expiresAt)), UrlFor(new AnswerLink(messageId, Cancel, expiresAt)));
    }

    public string UrlFor(AnswerLink link) => $"{options.Value.BaseUrl.TrimEnd('/')}/{TokenFor(link)}";

    public string TokenFor(AnswerLink link)
    {
        var answer = Encoding.UTF8.GetBytes(link.Answer);
        var payload = new byte[1 + 16 + 8 + answer.Length];
        payload[0] = Version;
        link.MessageId.TryWriteBytes(payload.AsSpan(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(17, 8), link.ExpiresAt.ToUnixTimeSeconds());
        answer.CopyTo(payload, 25);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Sign(payload))}";
    }

    public AnswerLinkState Read(string? token, out AnswerLink link)
    {
        link = null!;
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || token.Length > 200)
        {
            return AnswerLinkState.Invalid;
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return AnswerLinkState.Invalid;
        }

        if (payload.Length is < 26 or > 40 || payload[0] != Version || !CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            return AnswerLinkState.Invalid;
        }

        link = new AnswerLink(
            new Guid(payload.AsSpan(1, 16), bigEndian: true),
            Encoding.UTF8.GetString(payload.AsSpan(25)),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(17, 8))));
        return link.ExpiresAt <= time.GetUtcNow() ? AnswerLinkState.Expired : AnswerLinkState.Valid;
    }

    // The purpose is signed too: a token of another kind signed with the same secret is not an answer link.
    private byte[] Sign(byte[] payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Secret), (byte[])[.. Purpose, .. payload])[..SignatureBytes];
}
