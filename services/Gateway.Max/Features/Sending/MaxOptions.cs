using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>
/// Section <c>Max</c>: the clinic's bot at MAX's Bot API, and the secrets of its webhook and personal links.
/// Secrets (<see cref="Token"/>, <see cref="WebhookSecret"/>, <see cref="LinkSecret"/>) are never logged.
/// </summary>
public sealed class MaxOptions
{
    public const string Section = "Max";

    /// <summary>https://platform-api.max.ru, or the simulator's http://localhost:5199/max.</summary>
    public string BaseUrl { get; set; } = "https://platform-api.max.ru";

    /// <summary>The bot's token from MAX's business platform.</summary>
    public string Token { get; set; } = "";

    /// <summary>The bot's public name: personal links are https://max.ru/&lt;BotName&gt;?start=&lt;token&gt;.</summary>
    public string BotName { get; set; } = "";

    /// <summary>Where personal links point; the bot's name is appended.</summary>
    public string LinkBaseUrl { get; set; } = "https://max.ru";

    /// <summary>Given to MAX in POST /subscriptions; MAX sends it back in X-Max-Bot-Api-Secret with every update.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Signs the personal links' tokens (HMAC-SHA256); at least 32 characters.</summary>
    public string LinkSecret { get; set; } = "";

    /// <summary>How long a personal link may be opened.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Total time for one call to the Bot API; after it the outcome is unknown and nothing is resent.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages sent at once; the rest wait in the queue.</summary>
    public int MaxParallelSends { get; set; } = 8;

    /// <summary>New tries after a 429, a 503 or an unreachable Bot API (surely not sent); after the last, failed-temporary.</summary>
    public int RetryLimit { get; set; } = 3;

    /// <summary>The pause before the first new try; it doubles for each next one.</summary>
    public TimeSpan RetryPause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What happens to a send left open by a gateway that stopped during the call.</summary>
    public MaxResolutionOptions Resolution { get; set; } = new();
}

/// <summary>Section <c>Max:Resolution</c>.</summary>
public sealed class MaxResolutionOptions
{
    /// <summary>An attempt still open this long after it started belongs to a gateway that stopped during the call.</summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the resolver looks for such attempts.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A gateway with a missing secret would send nothing, accept forged updates or forgeable links: it refuses to start.</summary>
public sealed class MaxOptionsValidator : IValidateOptions<MaxOptions>
{
    public ValidateOptionsResult Validate(string? name, MaxOptions options)
    {
        var failures = new List<string>();
        if (!IsHttpUrl(options.BaseUrl))
        {
            failures.Add("Max:BaseUrl must be an absolute http(s) URL (https://platform-api.max.ru).");
        }

        if (!IsHttpUrl(options.LinkBaseUrl))
        {
            failures.Add("Max:LinkBaseUrl must be an absolute http(s) URL (https://max.ru).");
        }

        if (string.IsNullOrWhiteSpace(options.Token))
        {
            failures.Add("Max:Token is required.");
        }

        if (string.IsNullOrWhiteSpace(options.BotName) || !options.BotName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            failures.Add("Max:BotName is required: the bot's public name (letters, digits, _ and -), as in https://max.ru/<BotName>.");
        }

        // MAX: 5 to 256 characters of A-Z, a-z, 0-9, _ and - (from its SDKs).
        if (options.WebhookSecret.Length is < 5 or > 256 || !options.WebhookSecret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            failures.Add("Max:WebhookSecret is required: 5 to 256 characters of A-Z, a-z, 0-9, _ and -.");
        }

        if (options.LinkSecret.Length < 32)
        {
            failures.Add("Max:LinkSecret is required: at least 32 characters (it signs the personal links).");
        }

        if (options.LinkLifetime < TimeSpan.FromMinutes(1) || options.LinkLifetime > TimeSpan.FromDays(90))
        {
            failures.Add("Max:LinkLifetime must be 00:01:00 to 90.00:00:00.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Max:Timeout must be above zero and at most 00:02:00.");
        }

        if (options.MaxParallelSends is < 1 or > 256)
        {
            failures.Add("Max:MaxParallelSends must be 1 to 256.");
        }

        if (options.RetryLimit is < 0 or > 10)
        {
            failures.Add("Max:RetryLimit must be 0 to 10.");
        }

        if (options.RetryPause < TimeSpan.Zero || options.RetryPause > TimeSpan.FromMinutes(1))
        {
            failures.Add("Max:RetryPause must be 0 to 00:01:00.");
        }

        if (options.Resolution.InFlightGrace <= options.Timeout || options.Resolution.InFlightGrace > TimeSpan.FromDays(1))
        {
            failures.Add("Max:Resolution:InFlightGrace must be longer than Max:Timeout and at most 1.00:00:00.");
        }

        if (options.Resolution.Interval <= TimeSpan.Zero || options.Resolution.Interval > TimeSpan.FromHours(1))
        {
            failures.Add("Max:Resolution:Interval must be above zero and at most 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
