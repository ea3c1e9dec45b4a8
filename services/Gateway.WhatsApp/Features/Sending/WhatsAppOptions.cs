using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>
/// Section <c>WhatsApp</c>: the clinic's WhatsApp Business number at the Cloud API, and the secrets of its Meta app.
/// Secrets (<see cref="AccessToken"/>, <see cref="AppSecret"/>, <see cref="VerifyToken"/>) are never logged.
/// </summary>
public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";

    /// <summary>The Graph API host: https://graph.facebook.com, or the simulator's /whatsapp.</summary>
    public string BaseUrl { get; set; } = "https://graph.facebook.com";

    /// <summary>Graph API version in the path, e.g. "v23.0".</summary>
    public string ApiVersion { get; set; } = "v23.0";

    /// <summary>The business phone number's id at Meta (not the number itself).</summary>
    public string PhoneNumberId { get; set; } = "";

    /// <summary>A system user's permanent token with whatsapp_business_messaging.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>The Meta app's secret: webhooks are signed with it (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The token typed into the app's webhook settings; Meta's GET handshake must present it.</summary>
    public string VerifyToken { get; set; } = "";

    /// <summary>Total time for one call to the Cloud API; after it the outcome is unknown and nothing is resent.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages sent at once; the rest wait in the queue.</summary>
    public int MaxParallelSends { get; set; } = 8;

    /// <summary>New tries after a rate limit (130429, 131056) for the same recipient; after the last, failed-temporary.</summary>
    public int RateLimitRetries { get; set; } = 3;

    /// <summary>The recipient's pause before the first new try; it doubles for each next one (2 s, 4 s, 8 s).</summary>
    public TimeSpan RateLimitPause { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What happens to a send left open by a gateway that stopped during the call.</summary>
    public WhatsAppResolutionOptions Resolution { get; set; } = new();

    /// <summary>Clinics with a WhatsApp number of their own (WhatsApp:Clinics:&lt;clinicId&gt;); the rest use the one above.</summary>
    public Dictionary<string, WhatsAppClinicOptions> Clinics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The number and token a clinic sends with.</summary>
    public (string PhoneNumberId, string AccessToken) SenderFor(string clinicId) =>
        Clinics.TryGetValue(clinicId, out var clinic)
            ? (string.IsNullOrWhiteSpace(clinic.PhoneNumberId) ? PhoneNumberId : clinic.PhoneNumberId,
               string.IsNullOrWhiteSpace(clinic.AccessToken) ? AccessToken : clinic.AccessToken)
            : (PhoneNumberId, AccessToken);
}

/// <summary>Section <c>WhatsApp:Resolution</c>: an attempt still open after the grace belongs to a gateway that stopped mid-call.</summary>
public sealed class WhatsAppResolutionOptions
{
    /// <summary>An attempt still open this long after it started belongs to a gateway that stopped during the call.</summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the resolver looks for such attempts.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class WhatsAppClinicOptions
{
    public string PhoneNumberId { get; set; } = "";

    /// <summary>Empty for the default <see cref="WhatsAppOptions.AccessToken"/> (one system user for several numbers).</summary>
    public string AccessToken { get; set; } = "";
}

/// <summary>A gateway with a missing secret would send nothing or accept forged webhooks: it refuses to start, naming the setting.</summary>
public sealed class WhatsAppOptionsValidator : IValidateOptions<WhatsAppOptions>
{
    public ValidateOptionsResult Validate(string? name, WhatsAppOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add("WhatsApp:BaseUrl must be an absolute http(s) URL (https://graph.facebook.com).");
        }

        if (string.IsNullOrWhiteSpace(options.ApiVersion) || !options.ApiVersion.StartsWith('v'))
        {
            failures.Add("WhatsApp:ApiVersion must be a Graph API version such as v23.0.");
        }

        Require(failures, options.PhoneNumberId, "WhatsApp:PhoneNumberId");
        Require(failures, options.AccessToken, "WhatsApp:AccessToken");
        Require(failures, options.AppSecret, "WhatsApp:AppSecret");
        Require(failures, options.VerifyToken, "WhatsApp:VerifyToken");
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("WhatsApp:Timeout must be above zero and at most 00:02:00.");
        }

        if (options.MaxParallelSends is < 1 or > 256)
        {
            failures.Add("WhatsApp:MaxParallelSends must be 1 to 256.");
        }

        if (options.RateLimitRetries is < 0 or > 10)
        {
            failures.Add("WhatsApp:RateLimitRetries must be 0 to 10.");
        }

        if (options.RateLimitPause < TimeSpan.Zero || options.RateLimitPause > TimeSpan.FromMinutes(1))
        {
            failures.Add("WhatsApp:RateLimitPause must be 0 to 00:01:00.");
        }

        // The grace must outlast the longest call, or a slow answer would be taken for a stopped gateway.
        if (options.Resolution.InFlightGrace <= options.Timeout || options.Resolution.InFlightGrace > TimeSpan.FromDays(1))
        {
            failures.Add("WhatsApp:Resolution:InFlightGrace must be longer than WhatsApp:Timeout and at most 1.00:00:00.");
        }

        if (options.Resolution.Interval <= TimeSpan.Zero || options.Resolution.Interval > TimeSpan.FromHours(1))
        {
            failures.Add("WhatsApp:Resolution:Interval must be above zero and at most 01:00:00.");
        }

        foreach (var (clinic, settings) in options.Clinics)
        {
            Require(failures, settings.PhoneNumberId, $"WhatsApp:Clinics:{clinic}:PhoneNumberId");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} is required.");
        }
    }
}
