using System.ComponentModel.DataAnnotations;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// Section <c>Audience:Campaigns</c>: the chain-wide frequency cap on marketing messages, the zone a clinic with no
/// known zone sends in, and how the dispatcher works.
/// </summary>
public sealed class CampaignOptions : IValidatableObject
{
    public const string Section = "Audience:Campaigns";

    /// <summary>At most this many marketing messages to a patient in any 7 days, across every campaign, journey and clinic of the chain (0: none).</summary>
    public int MaxPerWeek { get; set; } = 1;

    /// <summary>At most this many in any 30 days.</summary>
    public int MaxPerMonth { get; set; } = 4;

    /// <summary>The send window's zone for a clinic whose MIS has not told its zone.</summary>
    public string DefaultTimeZone { get; set; } = "Europe/Moscow";

    /// <summary>How often the dispatcher looks for due messages when the last pass found fewer than a batch.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the running journeys are looked at for the day's batch.</summary>
    public TimeSpan JourneyInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Due messages handled in one transaction.</summary>
    public int DispatchBatchSize { get; set; } = 500;

    /// <summary>How many recipients the preview shows (no contact, no name: ids, group, channel), and renders per variant and channel.</summary>
    public int PreviewSample { get; set; } = 5;

    /// <summary>Where the preview asks Templating to render its sample and count the SMS parts (its cost).</summary>
    public CampaignTemplatingOptions Templating { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxPerWeek < 0 || MaxPerMonth < 0 || MaxPerMonth < MaxPerWeek)
        {
            yield return new ValidationResult("MaxPerWeek and MaxPerMonth must not be negative, and MaxPerMonth not below MaxPerWeek", [$"{Section}:MaxPerWeek"]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            yield return new ValidationResult($"'{DefaultTimeZone}' is not a time zone of this system (an IANA id: Europe/Moscow)", [$"{Section}:DefaultTimeZone"]);
        }

        if (DispatchInterval < TimeSpan.FromMilliseconds(10) || DispatchInterval > TimeSpan.FromHours(1) || DispatchBatchSize is < 1 or > 10_000)
        {
            yield return new ValidationResult("DispatchInterval must be 00:00:00.01–01:00:00 and DispatchBatchSize 1–10000", [$"{Section}:DispatchInterval"]);
        }

        if (JourneyInterval < TimeSpan.FromSeconds(1) || JourneyInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be 00:00:01–01:00:00", [$"{Section}:JourneyInterval"]);
        }

        if (PreviewSample is < 0 or > 20)
        {
            yield return new ValidationResult("must be 0–20", [$"{Section}:PreviewSample"]);
        }

        if (Templating.BaseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"'{url}' is not an http(s) address (http://templating:8080)", [$"{Section}:Templating:BaseUrl"]);
        }

        if (Templating.BaseUrl is { Length: > 0 } && string.IsNullOrWhiteSpace(Templating.ApiKey))
        {
            yield return new ValidationResult("is required with Templating:BaseUrl: an operator key of Templating (Operators:ApiKeys)", [$"{Section}:Templating:ApiKey"]);
        }
    }
}

public sealed class CampaignTemplatingOptions
{
    /// <summary>Templating's address (<c>http://templating:8080</c>); unset: the preview shows no rendered text and no cost.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>An operator key Templating knows (its <c>Operators:ApiKeys</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long the preview waits for Templating before it shows itself without the texts and the cost.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
