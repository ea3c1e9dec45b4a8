namespace Comms.ProviderSimulator.WhatsApp;

/// <summary>Settings of the simulated WhatsApp Cloud API ("Simulator:WhatsApp").</summary>
public sealed class WhatsAppSimulatorOptions
{
    public const string SectionName = "Simulator:WhatsApp";

    /// <summary>The only Bearer token accepted; when empty, any non-empty one is.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>The only phone-number-id accepted in the path; when empty, any is.</summary>
    public string PhoneNumberId { get; set; } = "";

    /// <summary>The Meta app's secret: every webhook is signed with it (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "dev-whatsapp-app-secret";

    /// <summary>The gateway's /webhooks/whatsapp; when empty, webhooks are built, signed and kept (GET /sim/whatsapp/webhooks) but not posted.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>How long after a send its "sent" status is posted; "delivered" follows as long again.</summary>
    public int StatusDelayMs { get; set; } = 300;

    /// <summary>Whether a "read" status follows "delivered".</summary>
    public bool SendRead { get; set; }

    /// <summary>The business number as Meta shows it in webhooks' metadata.</summary>
    public string DisplayPhoneNumber { get; set; } = "79000000003";
}
