using System.Security.Cryptography;
using System.Text;

namespace Comms.Gateway.WhatsApp.Features.Webhooks;

/// <summary>
/// Meta signs every webhook POST: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body, keyed with the app
/// secret&gt;</c>. Checked over the bytes as received (never a re-serialization) and compared in constant time.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, string appSecret)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
