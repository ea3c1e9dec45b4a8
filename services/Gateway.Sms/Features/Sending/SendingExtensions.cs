using Comms.Gateway.Sms.Features.Contacts;

namespace Comms.Gateway.Sms.Features.Sending;

public static class SendingExtensions
{
    public static IHostApplicationBuilder AddSmsSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SmsDispatcher>();
        builder.Services.AddScoped<FlaggedContacts>();
        builder.Services.AddHostedService<AmbiguousSendResolver>();
        return builder;
    }
}
