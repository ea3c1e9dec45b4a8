using Comms.Gateway.Sms.Providers.SmsRu;

namespace Comms.Gateway.Sms.Providers;

/// <summary>The provider types this gateway speaks: one adapter factory and one callback reader each.</summary>
public static class ProviderRegistration
{
    public static IServiceCollection AddSmsProviderTypes(this IServiceCollection services)
    {
        services.AddSingleton<ISmsProviderFactory, SmsRuProviderFactory>();
        services.AddSingleton<ISmsCallbackReader, SmsRuCallbackReader>();
        return services;
    }
}
