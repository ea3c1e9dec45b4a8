using Comms.Delivery.Consent;

namespace Comms.Gateway.Sms.Providers;

/// <summary>One send to one number through one provider account.</summary>
/// <param name="Clearance">The consent gate's clearance: the only way to the number.</param>
/// <param name="Sender">Sender name for this clinic (≤ 11 Latin characters), or null for the account's default.</param>
/// <param name="ClientReference">Our id for this attempt (32 hex characters, unique per message and account). Providers
/// that accept a client id (SMSC.ru's <c>id</c>) get it, so that an ambiguous outcome can be looked up later.</param>
/// <param name="CallbackUrl">Where the provider should post this message's receipt, for providers that take it per
/// message (SMS Aero's <c>callbackUrl</c>); null when the account's cabinet has it.</param>
/// <param name="Lifetime">How long the carrier may keep trying (what is left of the message's <c>NotAfter</c>), for providers
/// that take one; null: the provider's own default.</param>
public sealed record SmsSendRequest(ConsentClearance Clearance, string Text, string? Sender, string ClientReference, Uri? CallbackUrl, TimeSpan? Lifetime = null);

/// <summary>An SMS provider's answer to one send.</summary>
public abstract record SmsSendResult
{
    /// <summary>The provider took the message; its receipt will tell the rest.</summary>
    /// <param name="Segments">Parts billed, when the provider says.</param>
    /// <param name="Cost">What the provider says it charged, when it says.</param>
    public sealed record Accepted(string ProviderMessageId, int? Segments = null, decimal? Cost = null) : SmsSendResult;

    /// <summary>The provider refused this message to this number for good: no provider will do better.</summary>
    public sealed record Rejected(string Code, string Reason, RejectionKind Kind) : SmsSendResult;

    /// <summary>The provider surely did not send it: another try, or another provider, may.</summary>
    public sealed record NotSent(string? Code, string Reason, NotSentKind Kind, TimeSpan? RetryAfter = null) : SmsSendResult;

    /// <summary>The outcome is unknown (a timeout after the request left, a 5xx after the body was sent, an answer we
    /// cannot read): the provider may have accepted it. Resending blindly could double the SMS.</summary>
    public sealed record Unknown(string Reason) : SmsSendResult;
}

public enum RejectionKind
{
    /// <summary>Not a number the provider can reach: the contact is flagged, later sends to it fail at once.</summary>
    BadNumber,

    /// <summary>The account's or the carrier's stop-list: the subscriber refused mailings, recorded as an opt-out.</summary>
    StopListed,

    /// <summary>Anything else permanent for this message (text refused, too long).</summary>
    Other,
}

public enum NotSentKind
{
    /// <summary>The provider is down, overloaded or answered a 5xx before taking the message.</summary>
    Unavailable,

    /// <summary>Too many requests: back off (<see cref="SmsSendResult.NotSent.RetryAfter"/> when the provider says).</summary>
    RateLimited,

    /// <summary>The account has no money: an operator alert, and the next provider.</summary>
    NoFunds,

    /// <summary>The account is misconfigured or blocked (credentials, IP, sender name): an alert, and the next provider.</summary>
    AccountProblem,
}

/// <summary>What the provider knows of a message we may or may not have sent (after an ambiguous outcome).</summary>
public abstract record SmsLookupResult
{
    /// <summary>It has the message: it was accepted, under this id.</summary>
    public sealed record Found(string ProviderMessageId) : SmsLookupResult;

    /// <summary>It surely has no such message: sending it now cannot make a second one.</summary>
    public sealed record NotFound : SmsLookupResult;

    /// <summary>The lookup itself failed (provider down): ask again later.</summary>
    public sealed record Unavailable(string Reason) : SmsLookupResult;
}

/// <summary>What an ambiguous attempt carried, for <see cref="ISmsProvider.LookUpAsync"/>.</summary>
/// <param name="Phone">E.164.</param>
public sealed record SmsLookupRequest(string Phone, string Text, string ClientReference, DateTimeOffset AttemptedAt);

/// <summary>
/// One provider account, ready to send. Adapters take the consent gate's clearance, not a phone number: they can only
/// send where the gate has just allowed it. Adapters never throw for a provider's answer: every outcome is a
/// <see cref="SmsSendResult"/>.
/// </summary>
public interface ISmsProvider
{
    /// <summary>The account's name in configuration (Sms:Accounts:&lt;name&gt;).</summary>
    string Account { get; }

    /// <summary>"smsru", "smsc" or "smsaero".</summary>
    string ProviderType { get; }

    /// <summary>Whether <see cref="LookUpAsync"/> can tell if an ambiguous send was accepted.</summary>
    bool CanLookUp { get; }

    Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken cancellationToken);

    Task<SmsLookupResult> LookUpAsync(SmsLookupRequest request, CancellationToken cancellationToken);
}

/// <summary>Makes the adapter of one provider type for an account; registered once per provider type.</summary>
public interface ISmsProviderFactory
{
    string ProviderType { get; }

    /// <summary>Problems with the account's settings for this provider (missing credentials), each naming the setting.</summary>
    IEnumerable<string> Validate(string account, SmsAccountOptions options);

    /// <param name="http">The account's HttpClient: base address, timeout, circuit breaker and rate limit already set.</param>
    ISmsProvider Create(string account, SmsAccountOptions options, HttpClient http);
}
