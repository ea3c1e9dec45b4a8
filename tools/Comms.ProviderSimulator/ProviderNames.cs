using System.Collections.Frozen;

namespace Comms.ProviderSimulator;

/// <summary>The providers the simulator speaks, by the names the control endpoints use.</summary>
public static class ProviderNames
{
    public const string SmsRu = "smsru";
    public const string Smsc = "smsc";
    public const string SmsAero = "smsaero";

    /// <summary>The WhatsApp Cloud API: not an SMS provider (no /sim/replies, no balance), but faults apply to it.</summary>
    public const string WhatsApp = "whatsapp";

    /// <summary>MAX's Bot API: a messenger, like WhatsApp; faults apply to it.</summary>
    public const string Max = "max";

    public static readonly IReadOnlyList<string> All = [SmsRu, Smsc, SmsAero];

    private static readonly FrozenDictionary<string, string> DisplayNames = new Dictionary<string, string>
    {
        [SmsRu] = "SMS.ru",
        [Smsc] = "SMSC.ru",
        [SmsAero] = "SMS Aero",
        [WhatsApp] = "WhatsApp Cloud API",
        [Max] = "MAX",
    }.ToFrozenDictionary();

    /// <summary>The name as given, trimmed and lower-cased, when it is one of <see cref="All"/>; otherwise null.</summary>
    public static string? Parse(string? name)
    {
        var normalized = name?.Trim().ToLowerInvariant();
        return normalized is not null && All.Contains(normalized) ? normalized : null;
    }

    /// <summary>As <see cref="Parse"/>, WhatsApp and MAX included: the providers /sim/faults can fail.</summary>
    public static string? ParseFaultable(string? name) =>
        Parse(name) ?? (string.Equals(name?.Trim(), WhatsApp, StringComparison.OrdinalIgnoreCase) ? WhatsApp
            : string.Equals(name?.Trim(), Max, StringComparison.OrdinalIgnoreCase) ? Max : null);

    public static string DisplayName(string provider) => DisplayNames.GetValueOrDefault(provider, provider);
}
