namespace Comms.ProviderSimulator.Max;

/// <summary>Settings of the simulated MAX Bot API ("Simulator:Max").</summary>
public sealed class MaxSimulatorOptions
{
    public const string SectionName = "Simulator:Max";

    /// <summary>The only bot token accepted (header <c>Authorization</c> or query <c>access_token</c>); when empty, any non-empty one is.</summary>
    public string Token { get; set; } = "";

    /// <summary>Where updates are POSTed; a <c>POST /max/subscriptions</c> replaces it. Empty: updates are built and kept only.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>Sent in <c>X-Max-Bot-Api-Secret</c> with every update; a <c>POST /max/subscriptions</c> replaces it.</summary>
    public string WebhookSecret { get; set; } = "dev-max-webhook-secret";

    /// <summary>The bot's own user id, as <c>GET /me</c> and the updates show it.</summary>
    public long BotUserId { get; set; } = 900000001;

    /// <summary>The bot's public name: its deep links are <c>https://max.ru/&lt;BotName&gt;?start=…</c>.</summary>
    public string BotName { get; set; } = "comms_clinic_bot";
}
