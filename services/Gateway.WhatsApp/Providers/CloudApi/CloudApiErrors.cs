namespace Comms.Gateway.WhatsApp.Providers.CloudApi;

/// <summary>
/// Cloud API error codes, the same in a send's error object and in a failed status's <c>errors[]</c>. Decide by the
/// code, never the HTTP status or the title (Meta's advice).
/// </summary>
public static class CloudApiErrors
{
    public const int OutsideWindow = 131047;
    public const int Undeliverable = 131026;
    public const int ThroughputLimit = 130429;
    public const int PairRateLimit = 131056;

    public static RefusalKind KindOf(int code) => code switch
    {
        OutsideWindow => RefusalKind.OutsideWindow,
        ThroughputLimit or PairRateLimit or 4 or 80007 => RefusalKind.RateLimited,
        // Credentials and permissions (0, 3, 10, 190, 200–299), Meta down or busy (1, 2, 131000, 131016, 133004),
        // "Meta chose not to deliver" (131049), marketing experiment (130472), payment (131042), spam limit (131048).
        0 or 1 or 2 or 3 or 10 or 190 or (>= 200 and <= 299) or 131000 or 131016 or 133004 or 131049 or 130472 or 131042 or 131048 =>
            RefusalKind.Temporary,
        _ => RefusalKind.Permanent,
    };

    public static string Describe(int code, string? title) => code switch
    {
        OutsideWindow => $"WhatsApp {code}: outside the 24-hour customer service window",
        Undeliverable => $"WhatsApp {code}: undeliverable (not on WhatsApp, old app, or terms not accepted)",
        ThroughputLimit => $"WhatsApp {code}: Cloud API throughput limit",
        PairRateLimit => $"WhatsApp {code}: too many messages to this patient (pair rate limit)",
        0 or 190 => $"WhatsApp {code}: the access token was refused (WhatsApp:AccessToken)",
        _ => $"WhatsApp {code}: {title ?? "error"}",
    };
}
