using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Comms.Delivery.Providers;

/// <summary>Where a gateway's provider API is and how long one call may take.</summary>
public sealed record ProviderEndpoint(string BaseUrl, TimeSpan Timeout);

/// <summary>The HTTP pipeline of a gateway that talks to one provider API (MAX's Bot API, WhatsApp's Cloud API).</summary>
public static class ProviderHttp
{
    /// <summary>
    /// A named HttpClient for the provider at <paramref name="endpoint"/>'s address, with its resilience pipeline
    /// (outermost first): a total timeout; retries only when the request surely never reached the provider (the
    /// connection refused, the name not resolved) — a POST that timed out or got a 5xx may have been taken, so it is
    /// never retried; a circuit breaker on connection failures and 5xx, so a provider that is down fails fast. A
    /// provider's refusal of one message (4xx) says nothing about its health and does not count.
    /// </summary>
    /// <param name="pipeline">The resilience pipeline's name (in Polly's logs and metrics).</param>
    public static IHttpClientBuilder AddProviderHttpClient(
        this IServiceCollection services, string name, string pipeline, Func<IServiceProvider, ProviderEndpoint> endpoint)
    {
        var client = services.AddHttpClient(name, (provider, http) =>
        {
            http.BaseAddress = new Uri(endpoint(provider).BaseUrl.TrimEnd('/') + "/");
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddResilienceHandler(pipeline, (strategies, context) =>
        {
            strategies.AddTimeout(endpoint(context.ServiceProvider).Timeout);
            strategies.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(IsSafeToRetry(args.Outcome)),
            });
            strategies.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null ||
                    args.Outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError }),
            });
        });
        return client;
    }

    /// <summary>Only what cannot double a message: the connection was never made.</summary>
    public static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
