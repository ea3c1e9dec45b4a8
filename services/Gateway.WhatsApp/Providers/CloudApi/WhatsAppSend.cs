using Comms.Delivery.Consent;

namespace Comms.Gateway.WhatsApp.Providers.CloudApi;

/// <summary>One message to one patient through one business number.</summary>
/// <param name="Clearance">The consent gate's clearance: the only way to the patient's number.</param>
/// <param name="PhoneNumberId">The business number's id at Meta (per clinic).</param>
public sealed record WhatsAppSendRequest(ConsentClearance Clearance, string PhoneNumberId, string AccessToken, WhatsAppContent Content);

/// <summary>The Cloud API's answer to one send.</summary>
public abstract record WhatsAppSendResult
{
    /// <param name="MessageId">The wamid: statuses and the patient's replies (context.id) name it.</param>
    public sealed record Accepted(string MessageId) : WhatsAppSendResult;

    /// <summary>Refused with a Cloud API error code; <see cref="Kind"/> says what the dispatcher does.</summary>
    public sealed record Refused(int Code, string Reason, RefusalKind Kind) : WhatsAppSendResult;

    /// <summary>The outcome is unknown (timeout after the request left, 5xx, an unreadable answer): never resent blindly.</summary>
    public sealed record Unknown(string Reason) : WhatsAppSendResult;
}

public enum RefusalKind
{
    /// <summary>131047: free-form outside the 24-hour window; a template may go.</summary>
    OutsideWindow,

    /// <summary>130429 throughput, 131056 pair rate limit (and Graph's 4, 80007): surely not sent, back off and retry.</summary>
    RateLimited,

    /// <summary>Not sent for a reason that may pass: credentials, Meta unavailable, ecosystem limits. Failed-temporary.</summary>
    Temporary,

    /// <summary>131026 and every other refusal of this message to this number: failed-permanent.</summary>
    Permanent,
}
