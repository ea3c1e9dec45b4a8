using Comms.ProviderSimulator.SmsAero;
using Comms.ProviderSimulator.Smsc;
using Comms.ProviderSimulator.SmsRu;

namespace Comms.ProviderSimulator.Billing;

/// <summary>A provider account's balance in roubles, as its provider writes amounts.</summary>
public sealed record ProviderBalance(string Provider, decimal Balance);

/// <summary>The three SMS accounts' money, by provider name (<see cref="ProviderNames.All"/>).</summary>
public sealed class SmsBalances(SmsRuAccount smsRu, SmscAccount smsc, SmsAeroAccount smsAero)
{
    public IReadOnlyList<ProviderBalance> All() => [.. ProviderNames.All.Select(p => Of(p)!)];

    /// <summary>The provider's balance now; null for a name that is not an SMS provider.</summary>
    public ProviderBalance? Of(string provider) => provider switch
    {
        ProviderNames.SmsRu => new(provider, smsRu.Balance),
        ProviderNames.Smsc => new(provider, smsc.Balance),
        ProviderNames.SmsAero => new(provider, smsAero.Balance),
        _ => null,
    };

    public AccountBalance? MoneyOf(string provider) => provider switch
    {
        ProviderNames.SmsRu => smsRu.Money,
        ProviderNames.Smsc => smsc.Money,
        ProviderNames.SmsAero => smsAero.Money,
        _ => null,
    };
}
