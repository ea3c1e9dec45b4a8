using System.Net;
using System.Threading.RateLimiting;
using Comms.Gateway.Sms.Providers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Comms.Gateway.Sms.Features.Routing;

public static class RoutingExtensions
{
    /// <summary>
    /// Accounts, routes and health, and one HttpClient per account with its own resilience pipeline (outermost first):
    /// <list type="number">
    /// <item>a rate limiter at the account's <see cref="SmsAccountOptions.RatePerSecond"/> (waiting here is not part of the
    /// call's timeout, so a busy account never turns into an "unknown outcome");</item>
    /// <item>a total timeout (<see cref="SmsAccountOptions.Timeout"/>);</item>
    /// <item>retries with exponential back-off and jitter for transient failures only: any request that surely did not
    /// reach the provider (connection refused, HTTP 429 or 503), and any failure of a GET (status lookups are safe to
    /// repeat). A POST that timed out or got a 500 may have been taken, so it is never retried here: the dispatcher
    /// decides, with a lookup;</item>
    /// <item>a circuit breaker, so a provider that is down is skipped at once instead of waited for.</item>
    /// </list>
    /// </summary>
    public static IHostApplicationBuilder AddSmsRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SmsOptions>, SmsOptionsValidator>();
        builder.Services.AddSmsProviderTypes();
        builder.Services.AddSingleton<SmsAccounts>();
        builder.Services.AddSingleton<ProviderHealth>();
        builder.Services.AddHostedService<ReceiptWatch>();
        builder.Services.AddHealthChecks().AddCheck<SmsAccountsHealthCheck>("sms-accounts", tags: ["ready"]);

        var accounts = builder.Configuration.GetSection($"{SmsOptions.Section}:Accounts").GetChildren().Select(c => c.Key).ToList();
        foreach (var account in accounts)
        {
            builder.Services.AddHttpClient(SmsAccounts.HttpClientName(account), (services, http) =>
                {
                    var settings = services.GetRequiredService<IOptions<SmsOptions>>().Value.Accounts[account];
                    // No trailing "/": Refit appends "/sys/send.php" as it is, and "…/smsc//sys/send.php" would miss.
                    http.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/'));
                    http.Timeout = Timeout.InfiniteTimeSpan;
                })
                .AddResilienceHandler($"sms-{account}", (pipeline, context) =>
                {
                    var settings = context.ServiceProvider.GetRequiredService<IOptions<SmsOptions>>().Value.Accounts[account];
                    pipeline.AddRateLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.RatePerSecond,
                        TokensPerPeriod = settings.RatePerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 100_000,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                        AutoReplenishment = true,
                    }));
                    pipeline.AddTimeout(settings.Timeout);
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = 2,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(200),
                        ShouldHandle = args => ValueTask.FromResult(IsSafeToRetry(args.Context.GetRequestMessage(), args.Outcome)),
                    });
                    pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = 0.5,
                        MinimumThroughput = 10,
                        SamplingDuration = TimeSpan.FromSeconds(30),
                        BreakDuration = TimeSpan.FromSeconds(15),
                    });
                });
        }

        return builder;
    }

    /// <summary>Only what cannot double an SMS: the request never arrived, the provider said it did not process it, or it
    /// was a lookup.</summary>
    internal static bool IsSafeToRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
        {
            return true;
        }

        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable })
        {
            return true;
        }

        var idempotent = request?.Method == HttpMethod.Get;
        return idempotent && (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException
            || outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError });
    }
}
