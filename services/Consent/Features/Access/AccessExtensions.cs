using Comms.ServiceDefaults.Access;
using Microsoft.Extensions.Options;

namespace Comms.Consent.Features.Access;

public static class AccessExtensions
{
    /// <summary>
    /// The API takes the chain's operator keys (<c>Operators:ApiKeys</c>) and the ledger's own named keys
    /// (<c>Consent:ApiKeys</c>, validated at start), through the key mechanism every service shares. The key's name is
    /// recorded as who made each change.
    /// </summary>
    public static IHostApplicationBuilder AddConsentAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsentAccessOptions>().BindConfiguration(ConsentAccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IOperatorKeys, ConsentKeys>();
        builder.AddApiKeys();
        return builder;
    }

    private sealed class ConsentKeys(IOptionsMonitor<ConsentAccessOptions> options) : IOperatorKeys
    {
        public string Source => $"{ConsentAccessOptions.Section}:ApiKeys";

        public IEnumerable<(string Name, string Key)> Current => options.CurrentValue.ApiKeys.Select(k => (k.Name, k.Key));
    }
}
