using Comms.Delivery.Consent;

namespace Comms.Gateway.Sms.Providers;

/// <summary>An SMS provider's answer to one send.</summary>
public abstract record SmsSendResult
{
    /// <summary>The provider took the message; its receipt will tell the rest.</summary>
    public sealed record Accepted(string ProviderMessageId) : SmsSendResult;

    /// <summary>The provider refused it for good (bad number, stop-list, no route): retrying cannot help.</summary>
    public sealed record Rejected(int Code, string Reason) : SmsSendResult;

    /// <summary>
    /// The number is on a stop-list (the provider's, or the carrier's after the subscriber refused mailings there):
    /// the patient's own refusal, recorded as an opt-out.
    /// </summary>
    public sealed record StopListed(int Code, string Reason) : SmsSendResult;

    /// <summary>The provider surely did not send it (unavailable, rate-limited, no funds): another try or provider may.</summary>
    public sealed record NotSent(int? Code, string Reason) : SmsSendResult;

    /// <summary>The outcome is unknown (a timeout after the request left): resending could double the SMS.</summary>
    public sealed record Unknown(string Reason) : SmsSendResult;
}

/// <summary>An SMS provider adapter. It takes the consent gate's clearance, not a phone number: it can only send where
/// the gate has just allowed it.</summary>
public interface ISmsProvider
{
    string Name { get; }

    Task<SmsSendResult> SendAsync(ConsentClearance clearance, string text, CancellationToken cancellationToken);
}
