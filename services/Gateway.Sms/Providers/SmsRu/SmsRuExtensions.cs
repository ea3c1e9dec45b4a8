using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Comms.Gateway.Sms.Providers.SmsRu;

public static class SmsRuExtensions
{
    public static IHostApplicationBuilder AddSmsRu(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsRuOptions>().BindConfiguration(SmsRuOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient<SmsRuClient>((services, http) =>
            {
                var settings = services.GetRequiredService<IOptions<SmsRuOptions>>().Value;
                http.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // A send is not idempotent at SMS.ru: no automatic retries here (the consumer decides), only a timeout
            // and a circuit breaker that stops hammering a provider that is down.
            .AddResilienceHandler("smsru", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<SmsRuOptions>>().Value;
                pipeline.AddTimeout(settings.Timeout);
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                });
            });
        builder.Services.AddScoped<Providers.ISmsProvider>(services => services.GetRequiredService<SmsRuClient>());
        return builder;
    }
}
