using System.ComponentModel.DataAnnotations;

namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>Section <c>Sms:SmsRu</c> (env Sms__SmsRu__ApiId, …).</summary>
public sealed class SmsRuOptions
{
    public const string Section = "Sms:SmsRu";

    /// <summary>https://sms.ru in production; the provider simulator (http://localhost:5199/smsru) locally.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://sms.ru";

    /// <summary>The account's api_id from SMS.ru's cabinet.</summary>
    [Required(ErrorMessage = "Sms:SmsRu:ApiId is required: the api_id from the SMS.ru account (env Sms__SmsRu__ApiId)")]
    public string ApiId { get; set; } = "";

    /// <summary>The sender name registered with the carriers (≤ 11 Latin characters), or empty for the account default.</summary>
    [MaxLength(11)]
    public string? Sender { get; set; }

    /// <summary>
    /// Secret part of the callback URL configured in SMS.ru's cabinet: https://…/webhooks/sms-ru?token=&lt;this&gt;.
    /// Receipts and replies without it are refused.
    /// </summary>
    [Required(ErrorMessage = "Sms:SmsRu:CallbackToken is required: the secret in the callback URL given to SMS.ru (env Sms__SmsRu__CallbackToken)")]
    [MinLength(12)]
    public string CallbackToken { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
