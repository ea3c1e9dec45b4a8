using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Unsubscribe;

/// <summary>What an unsubscribe link stands for: this contact refuses this purpose, from this message.</summary>
public sealed record UnsubscribeRequest(string Contact, string Purpose, Guid MessageId, string ClinicId, string? PatientId);

/// <summary>
/// Signed unsubscribe links: the payload in the URL, an HMAC-SHA256 over it with the gateway's secret. They never
/// expire: a patient may use an old email's link years later, and it must still work.
/// </summary>
public sealed class UnsubscribeLinks(IOptions<UnsubscribeOptions> options)
{
    /// <summary>
    /// The headers of an email with one-click unsubscribe (RFC 8058, RFC 2369): the HTTPS link first (what one-click
    /// clients post to), then a mailto for clients that only write mail.
    /// </summary>
    public IReadOnlyDictionary<string, string> HeadersFor(UnsubscribeRequest request)
    {
        var token = TokenFor(request);
        return new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = $"<{UrlFor(token)}>, <{MailtoFor(token)}>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };
    }

    public string UrlFor(UnsubscribeRequest request) => UrlFor(TokenFor(request));

    private string UrlFor(string token) => $"{options.Value.BaseUrl.TrimEnd('/')}/{token}";

    /// <summary>The token in the subject, so whoever reads the mailbox (or a future inbound reader) can apply it.</summary>
    private string MailtoFor(string token) => $"mailto:{options.Value.Mailbox}?subject=unsubscribe%20{token}";

    public string TokenFor(UnsubscribeRequest request)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Sign(payload))}";
    }

    public bool TryRead(string? token, out UnsubscribeRequest request)
    {
        request = null!;
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || token.Length > 2000)
        {
            return false;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
            {
                return false;
            }

            request = JsonSerializer.Deserialize<UnsubscribeRequest>(payload, JsonSerializerOptions.Web)!;
            return request is { Contact.Length: > 0, Purpose.Length: > 0 };
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return false;
        }
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Secret), payload);
}
