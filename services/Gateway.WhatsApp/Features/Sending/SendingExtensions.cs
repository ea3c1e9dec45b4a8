using System.Net;
using Comms.Gateway.WhatsApp.Features.Windows;
using Comms.Gateway.WhatsApp.Providers.CloudApi;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Comms.Gateway.WhatsApp.Features.Sending;

public static class SendingExtensions
{
    public const string HttpClientName = "whatsapp-cloud-api";

    /// <summary>
    /// Options (validated at start, naming the setting), the conversation windows, and the Cloud API client over an
    /// HttpClient with its resilience pipeline (outermost first): a total timeout (<see cref="WhatsAppOptions.Timeout"/>);
    /// retries only when the request surely never reached Meta (connection refused, name not resolved) — a POST that
    /// timed out or got a 5xx may have been taken, so it is never retried; a circuit breaker, so a Cloud API that is down
    /// fails fast.
    /// </summary>
    public static IHostApplicationBuilder AddWhatsAppSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WhatsAppOptions>, WhatsAppOptionsValidator>();
        builder.Services.AddSingleton<RecipientBackoff>();
        builder.Services.AddScoped<ConversationWindows>();
        builder.Services.AddScoped<WhatsAppDispatcher>();
        builder.Services.AddSingleton<InterruptedSendResolver>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InterruptedSendResolver>());

        builder.Services.AddHttpClient(HttpClientName, (services, http) =>
            {
                var settings = services.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
                http.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("whatsapp", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
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
                    // Meta's refusals of one message (4xx with an error code) say nothing about its health.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null ||
                        args.Outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError }),
                });
            });
        builder.Services.AddScoped(services => new CloudApiClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.ApiVersion));
        return builder;
    }

    /// <summary>Only what cannot double a message: the connection was never made.</summary>
    internal static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
