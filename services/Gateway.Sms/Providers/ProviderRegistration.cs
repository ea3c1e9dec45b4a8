using Comms.Gateway.Sms.Providers.SmsAero;
using Comms.Gateway.Sms.Providers.Smsc;
using Comms.Gateway.Sms.Providers.SmsRu;

namespace Comms.Gateway.Sms.Providers;

/// <summary>The provider types this gateway speaks: one adapter factory and one callback reader each.</summary>
public static class ProviderRegistration
{
    public static IServiceCollection AddSmsProviderTypes(this IServiceCollection services)
    {
        services.AddSingleton<ISmsProviderFactory, SmsRuProviderFactory>();
        services.AddSingleton<ISmsCallbackReader, SmsRuCallbackReader>();
        services.AddSingleton<ISmsProviderFactory, SmscProviderFactory>();
        services.AddSingleton<ISmsCallbackReader, SmscCallbackReader>();
        services.AddSingleton<ISmsProviderFactory, SmsAeroProviderFactory>();
        services.AddSingleton<ISmsCallbackReader, SmsAeroCallbackReader>();
        return services;
    }
}
