namespace Comms.ProviderSimulator;

/// <summary>Settings of the simulator, bound from the "Simulator" configuration section.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    public SmsRuOptions SmsRu { get; set; } = new();
}

/// <summary>Settings of the simulated SMS.ru account ("Simulator:SmsRu").</summary>
public sealed class SmsRuOptions
{
    /// <summary>The only api_id accepted; when empty, any non-empty api_id is.</summary>
    public string ApiId { get; set; } = "";

    /// <summary>Where delivery receipts and patient replies are POSTed; when empty, none are sent.</summary>
    public string CallbackUrl { get; set; } = "";

    /// <summary>How long after a send the message counts as delivered and its receipt is POSTed.</summary>
    public int ReceiptDelayMs { get; set; } = 300;

    /// <summary>The two-way number patients' replies are addressed to.</summary>
    public string VirtualNumber { get; set; } = "79000000000";

    /// <summary>Starting balance of the account, in roubles; each segment costs <see cref="SmsRu.SmsRuAccount.PricePerSegment"/>.</summary>
    public decimal Balance { get; set; } = 1000m;
}
