using System.ComponentModel.DataAnnotations;

namespace Comms.Gateway.Sms.Providers;

/// <summary>
/// One provider account, section <c>Sms:Accounts:&lt;name&gt;</c> (env <c>Sms__Accounts__&lt;name&gt;__ApiId</c>, …).
/// Secrets (ApiId, Password, ApiKey, CallbackToken) come from configuration or the environment and are never logged.
/// </summary>
public sealed class SmsAccountOptions
{
    /// <summary>"smsru", "smsc" or "smsaero".</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>The provider's API root: https://sms.ru, https://smsc.ru, https://gate.smsaero.ru; the simulator locally.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>SMS.ru: the account's api_id.</summary>
    public string? ApiId { get; set; }

    /// <summary>SMSC.ru: login.</summary>
    public string? Login { get; set; }

    /// <summary>SMSC.ru: password (psw).</summary>
    public string? Password { get; set; }

    /// <summary>SMS Aero: the account's email (HTTP Basic user).</summary>
    public string? Email { get; set; }

    /// <summary>SMS Aero: the API key (HTTP Basic password).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Default sender name registered with the carriers for this account (≤ 11 Latin characters).</summary>
    [MaxLength(11)]
    public string? Sender { get; set; }

    /// <summary>Secret in the callback URL given to the provider: https://…/webhooks/sms/&lt;account&gt;?token=&lt;this&gt;.</summary>
    [Required]
    [MinLength(12)]
    public string CallbackToken { get; set; } = "";

    /// <summary>This gateway's public base URL, for providers that take a callback URL per message (SMS Aero).</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>What one segment costs on this account, in <see cref="Currency"/>: cost = segments × this.</summary>
    [Range(0, 1000)]
    public decimal PricePerSegment { get; set; }

    public string Currency { get; set; } = "RUB";

    /// <summary>Sends per second this account may make; more wait for their turn.</summary>
    [Range(1, 10_000)]
    public int RatePerSecond { get; set; } = 30;

    /// <summary>How long one call may take before its outcome counts as unknown.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
