namespace Comms.ProviderSimulator;

/// <summary>Settings of the simulator, bound from the "Simulator" configuration section.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    public SmsRuOptions SmsRu { get; set; } = new();

    public SmscOptions Smsc { get; set; } = new();

    public SmsAeroOptions SmsAero { get; set; } = new();

    /// <summary>
    /// Seed of the dice that decide which sends a fault with an errorRate hits; null for a different sequence on
    /// every start. Tests set it to make a share-of-sends fault repeatable.
    /// </summary>
    public int? FaultSeed { get; set; }
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

    /// <summary>
    /// Receipts falling due within this many milliseconds of each other go in one callback (<c>data[0]</c>,
    /// <c>data[1]</c>, … up to 100, as SMS.ru sends them); 0 posts each on its own.
    /// </summary>
    public int ReceiptBatchWindowMs { get; set; } = 20;

    /// <summary>The two-way number patients' replies are addressed to.</summary>
    public string VirtualNumber { get; set; } = "79000000000";

    /// <summary>Starting balance of the account, in roubles; each segment costs <see cref="SmsRu.SmsRuAccount.PricePerSegment"/>.</summary>
    public decimal Balance { get; set; } = 1000m;
}

/// <summary>Settings of the simulated SMSC.ru account ("Simulator:Smsc").</summary>
public sealed class SmscOptions
{
    /// <summary>The only login accepted; when empty, any non-empty login is.</summary>
    public string Login { get; set; } = "";

    /// <summary>
    /// The only psw accepted, and the secret the callbacks' sha1 is computed with; when empty, any non-empty psw is
    /// accepted and the last one a send used signs the callbacks.
    /// </summary>
    public string Password { get; set; } = "";

    /// <summary>The account's "status handler": where receipts and patient replies are POSTed; when empty, none are.</summary>
    public string CallbackUrl { get; set; } = "";

    /// <summary>How long after a send the message counts as delivered and its receipt is POSTed.</summary>
    public int ReceiptDelayMs { get; set; } = 300;

    /// <summary>The two-way number patients' replies are addressed to.</summary>
    public string VirtualNumber { get; set; } = "79000000001";

    /// <summary>Starting balance in roubles; each segment costs <see cref="Smsc.SmscAccount.PricePerSegment"/>.</summary>
    public decimal Balance { get; set; } = 1000m;
}

/// <summary>Settings of the simulated SMS Aero account ("Simulator:SmsAero").</summary>
public sealed class SmsAeroOptions
{
    /// <summary>The only e-mail (Basic user name) accepted; when empty, any non-empty one is.</summary>
    public string Email { get; set; } = "";

    /// <summary>The only API key (Basic password) accepted; when empty, any non-empty one is.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// Where patient replies are POSTed (the cabinet's callback); receipts go to each message's own callbackUrl.
    /// When empty, replies are refused.
    /// </summary>
    public string CallbackUrl { get; set; } = "";

    /// <summary>How long after a send the message counts as delivered and its receipt is POSTed.</summary>
    public int ReceiptDelayMs { get; set; } = 300;

    /// <summary>The two-way number patients' replies are addressed to.</summary>
    public string VirtualNumber { get; set; } = "79000000002";

    /// <summary>Starting balance in roubles; each segment costs <see cref="SmsAero.SmsAeroAccount.PricePerSegment"/>.</summary>
    public decimal Balance { get; set; } = 1000m;
}
