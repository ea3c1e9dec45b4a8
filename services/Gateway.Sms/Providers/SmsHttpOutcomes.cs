using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Comms.Gateway.Sms.Providers;

/// <summary>
/// What an exception from an account's HTTP pipeline means for a send, the same for every adapter: the request surely
/// never reached the provider (connection refused, circuit open, local rate limit) → <see cref="SmsSendResult.NotSent"/>;
/// it may have (timeout, connection lost after sending) → <see cref="SmsSendResult.Unknown"/>.
/// </summary>
public static class SmsHttpOutcomes
{
    /// <summary>Null when the exception is not one an HTTP call to a provider makes (let it surface as a bug).</summary>
    public static SmsSendResult? Classify(Exception exception, string providerName, CancellationToken cancellationToken) => Unwrap(exception) switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } ex =>
            new SmsSendResult.NotSent(null, $"{providerName} unreachable: {ex.Message}", NotSentKind.Unavailable),
        BrokenCircuitException =>
            new SmsSendResult.NotSent(null, $"{providerName} is failing: its circuit breaker is open", NotSentKind.Unavailable),
        RateLimiterRejectedException =>
            new SmsSendResult.NotSent(null, $"{providerName}: this account's send rate limit is saturated", NotSentKind.RateLimited),
        TimeoutRejectedException or TaskCanceledException or OperationCanceledException =>
            new SmsSendResult.Unknown($"no answer from {providerName} in time ({Unwrap(exception).GetType().Name}); it may have taken the message"),
        HttpRequestException ex =>
            new SmsSendResult.Unknown($"the call to {providerName} broke off ({ex.HttpRequestError}); it may have taken the message"),
        _ => null,
    };

    /// <summary>The same for a lookup, which is safe to repeat: every failure just means "ask again later".</summary>
    public static SmsLookupResult? ClassifyLookup(Exception exception, string providerName, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested || Unwrap(exception) is not (HttpRequestException or BrokenCircuitException or RateLimiterRejectedException or TimeoutRejectedException or OperationCanceledException)
            ? null
            : new SmsLookupResult.Unavailable($"{providerName} lookup failed: {Unwrap(exception).GetType().Name}: {Unwrap(exception).Message}");

    /// <summary>Refit wraps what the HTTP pipeline threw (connection refused, timeout) in an ApiRequestException.</summary>
    private static Exception Unwrap(Exception exception) =>
        exception is Refit.ApiRequestException { InnerException: { } inner } ? Unwrap(inner) : exception;
}
