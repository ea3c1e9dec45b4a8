using System.Text.Encodings.Web;
using Comms.ProviderSimulator.Billing;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Max;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.Replies;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.SmsAero;
using Comms.ProviderSimulator.Smsc;
using Comms.ProviderSimulator.SmsRu;
using Comms.ProviderSimulator.WhatsApp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator;

public static class SimulatorServiceCollectionExtensions
{
    public static IServiceCollection AddProviderSimulator(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MessageInbox>();
        services.AddSingleton<SendRequestLog>();
        services.AddSingleton<FaultDice>();
        services.AddSingleton<FaultStore>();
        services.AddSingleton<SmsRuAccount>();
        services.AddSingleton<SmsRuSender>();
        services.AddSingleton<SmscAccount>();
        services.AddSingleton<SmscSender>();
        services.AddSingleton<SmsAeroAccount>();
        services.AddSingleton<SmsAeroSender>();
        services.AddSingleton<SmsBalances>();
        services.AddSingleton<ReceiptQueue>();
        services.AddHostedService<ReceiptWorker>();
        services.AddHttpClient<SmsRuCallbackClient>(http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient<SmscCallbackClient>(http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient<SmsAeroCallbackClient>(http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddTransient<IReceiptCallbacks>(sp => sp.GetRequiredService<SmsRuCallbackClient>());
        services.AddTransient<IReceiptCallbacks>(sp => sp.GetRequiredService<SmscCallbackClient>());
        services.AddTransient<IReceiptCallbacks>(sp => sp.GetRequiredService<SmsAeroCallbackClient>());
        services.AddTransient<PatientReplies>();
        services.AddWhatsAppSimulator();
        services.AddMaxSimulator();

        services.ConfigureHttpJsonOptions(json =>
        {
            // Readable Cyrillic and "+7…" as the providers themselves send them; nothing here is ever embedded in HTML.
            json.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            json.SerializerOptions.Converters.Add(new UtcTimestampJsonConverter());
        });

        services.AddProblemDetails();
        services.AddHealthChecks();
        services.AddOpenApi();
        return services;
    }
}
