using System.Net;
using Comms.Gateway.Max.Providers.BotApi;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Comms.Gateway.Max.Features.Sending;

public static class SendingExtensions
{
    public const string HttpClientName = "max-bot-api";

    /// <summary>
    /// Options (validated at start, naming the setting), the dispatcher and the resolver, and the Bot API client over an
    /// HttpClient with its resilience pipeline (outermost first): a total timeout (<see cref="MaxOptions.Timeout"/>);
    /// retries only when the request surely never reached MAX (connection refused, name not resolved); a circuit
    /// breaker, so a Bot API that is down fails fast.
    /// </summary>
    public static IHostApplicationBuilder AddMaxSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MaxOptions>().BindConfiguration(MaxOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MaxOptions>, MaxOptionsValidator>();
        builder.Services.AddScoped<MaxDispatcher>();
        builder.Services.AddSingleton<InterruptedSendResolver>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InterruptedSendResolver>());

        builder.Services.AddHttpClient(HttpClientName, (services, http) =>
            {
                var settings = services.GetRequiredService<IOptions<MaxOptions>>().Value;
                http.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("max", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<MaxOptions>>().Value;
                pipeline.AddTimeout(settings.Timeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                    ShouldHandle = args => ValueTask.FromResult(IsSafeToRetry(args.Outcome)),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                    // MAX's refusals of one message (403 a blocked bot, 429) say nothing about its health.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null ||
                        args.Outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError }),
                });
            });
        builder.Services.AddScoped(services => new MaxBotClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<IOptions<MaxOptions>>().Value.Token));
        return builder;
    }

    /// <summary>Only a request that surely never left: the connection was refused or the name did not resolve.</summary>
    private static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
