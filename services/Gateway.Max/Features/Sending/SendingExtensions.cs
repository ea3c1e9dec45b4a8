using Comms.Delivery.Providers;
using Comms.Gateway.Max.Providers.BotApi;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

public static class SendingExtensions
{
    public const string HttpClientName = "max-bot-api";

    /// <summary>
    /// Options (validated at start, naming the setting), the dispatcher and the resolver, and the Bot API client over an
    /// HttpClient with the shared provider pipeline (<see cref="ProviderHttp"/>, outermost first): a total timeout (<see cref="MaxOptions.Timeout"/>);
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

        builder.Services.AddProviderHttpClient(HttpClientName, "max", services =>
        {
            var settings = services.GetRequiredService<IOptions<MaxOptions>>().Value;
            return new ProviderEndpoint(settings.BaseUrl, settings.Timeout);
        });
        builder.Services.AddScoped(services => new MaxBotClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<IOptions<MaxOptions>>().Value.Token));
        return builder;
    }
}
