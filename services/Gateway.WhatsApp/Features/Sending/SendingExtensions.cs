using Comms.Delivery.Providers;
using Comms.Gateway.WhatsApp.Features.Windows;
using Comms.Gateway.WhatsApp.Providers.CloudApi;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

public static class SendingExtensions
{
    public const string HttpClientName = "whatsapp-cloud-api";

    /// <summary>
    /// Options (validated at start, naming the setting), the conversation windows, and the Cloud API client over an
    /// HttpClient with the shared provider pipeline (<see cref="ProviderHttp"/>, outermost first): a total timeout (<see cref="WhatsAppOptions.Timeout"/>);
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

        builder.Services.AddProviderHttpClient(HttpClientName, "whatsapp", services =>
        {
            var settings = services.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
            return new ProviderEndpoint(settings.BaseUrl, settings.Timeout);
        });
        builder.Services.AddScoped(services => new CloudApiClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.ApiVersion));
        return builder;
    }
}
