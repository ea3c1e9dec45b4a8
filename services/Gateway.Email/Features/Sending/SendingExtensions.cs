using Comms.Gateway.Email.Providers.Smtp;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Sending;

public static class SendingExtensions
{
    public static IHostApplicationBuilder AddEmailSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        builder.Services.AddSingleton<EmailComposer>();
        builder.Services.AddScoped<EmailDispatcher>();
        builder.Services.AddScoped<SmtpMailer>();
        builder.Services.AddSingleton<InterruptedSendResolver>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InterruptedSendResolver>());

        // One client per consumer scope (MailKit's client is not thread-safe); it connects anew for every try.
        builder.Services.AddTransient<ISmtpClient>(_ => new SmtpClient());
        return builder;
    }
}
