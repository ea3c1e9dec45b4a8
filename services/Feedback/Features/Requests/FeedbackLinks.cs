using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Comms.Feedback.Features.Requests;

/// <summary>
/// The patient's personal page link: <c>{PublicBaseUrl}/f/{token}</c>, the token 128 random bits (22 characters,
/// base64url). Only its SHA-256 is stored, so the database alone cannot open anyone's page.
/// </summary>
public static class FeedbackLinks
{
    public const string PathPrefix = "/f/";

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string Url(string publicBaseUrl, string token) => publicBaseUrl.TrimEnd('/') + PathPrefix + token;

    /// <summary>A stable message id derived from another and a purpose (a follow-up, an alert to one address).</summary>
    public static Guid Derived(Guid messageId, string purpose) => Comms.ServiceDefaults.Messaging.MessageIds.Derived(messageId, purpose);
}
