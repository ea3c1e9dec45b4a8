using System.ComponentModel.DataAnnotations;
using Comms.Contracts;

namespace Comms.Feedback.Features.Requests;

/// <summary>Section <c>Feedback</c>: when and how patients are asked, what counts as unhappy, and each clinic's own settings.</summary>
public sealed class FeedbackOptions : IValidatableObject
{
    public const string Section = "Feedback";

    /// <summary>How long after <c>appointment.completed</c> the patient is asked (then the send window applies).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A patient asked (or to be asked) within this many days is not asked again; the skip is recorded.</summary>
    [Range(0, 3650)]
    public int RepeatWithinDays { get; set; } = 30;

    /// <summary><c>stars5</c> (1–5) or <c>nps</c> (0–10).</summary>
    public string Scale { get; set; } = RatingScales.Stars5;

    /// <summary>A rating at or below this alerts the clinic's managers; default 3 on <c>stars5</c>, 6 on <c>nps</c>.</summary>
    public int? NegativeThreshold { get; set; }

    /// <summary>Where patients reach this service's page, e.g. <c>https://feedback.clinic.ru</c>; unset: no link is sent.</summary>
    public string? PublicBaseUrl { get; set; }

    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 10_000)]
    public int DispatchBatchSize { get; set; } = 100;

    [Required]
    public string DefaultTimeZone { get; set; } = "Europe/Moscow";

    /// <summary>
    /// What a clinic without its own entry in <see cref="Clinics"/> (or without a given field there) uses.
    /// Unset channels mean SMS; an unset send window means 09:00–21:00.
    /// </summary>
    public ClinicFeedback Defaults { get; set; } = new();

    /// <summary>Per clinic id (the MIS's <c>clinic.clinicId</c>).</summary>
    public Dictionary<string, ClinicFeedback> Clinics { get; set; } = [];

    public int Threshold => NegativeThreshold ?? RatingScales.DefaultThreshold(Scale);

    public ClinicFeedback For(string clinicId)
    {
        var own = Clinics.GetValueOrDefault(clinicId);
        return new ClinicFeedback
        {
            Channels = own?.Channels is { Count: > 0 } channels ? channels : Defaults.Channels is { Count: > 0 } defaults ? defaults : [Comms.Contracts.Channels.Sms],
            SendWindow = own?.SendWindow ?? Defaults.SendWindow ?? new SendWindow(),
            ManagerEmails = own?.ManagerEmails is { Count: > 0 } emails ? emails : Defaults.ManagerEmails,
            ReviewLinks = own?.ReviewLinks is { Count: > 0 } links ? links : Defaults.ReviewLinks,
        };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!RatingScales.All.Contains(Scale))
        {
            yield return new ValidationResult($"'{Scale}' is not a scale; use {string.Join(" or ", RatingScales.All)}", [$"{Section}:{nameof(Scale)}"]);
        }
        else if (NegativeThreshold is { } threshold && (threshold < RatingScales.Min(Scale) || threshold >= RatingScales.Max(Scale)))
        {
            yield return new ValidationResult($"must be between {RatingScales.Min(Scale)} and {RatingScales.Max(Scale) - 1} on the {Scale} scale", [$"{Section}:{nameof(NegativeThreshold)}"]);
        }

        if (Delay < TimeSpan.Zero)
        {
            yield return new ValidationResult("must not be negative", [$"{Section}:{nameof(Delay)}"]);
        }

        if (LinkLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [$"{Section}:{nameof(LinkLifetime)}"]);
        }

        if (DispatchInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [$"{Section}:{nameof(DispatchInterval)}"]);
        }

        if (!string.IsNullOrEmpty(PublicBaseUrl) &&
            (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult($"'{PublicBaseUrl}' is not an absolute http(s) URL", [$"{Section}:{nameof(PublicBaseUrl)}"]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            yield return new ValidationResult($"'{DefaultTimeZone}' is not a known IANA time zone", [$"{Section}:{nameof(DefaultTimeZone)}"]);
        }

        foreach (var error in Defaults.Validate($"{Section}:{nameof(Defaults)}"))
        {
            yield return error;
        }

        foreach (var (clinicId, clinic) in Clinics)
        {
            foreach (var error in clinic.Validate($"{Section}:{nameof(Clinics)}:{clinicId}"))
            {
                yield return error;
            }
        }
    }
}

/// <summary>A clinic's feedback settings; an unset field falls back to <c>Feedback:Defaults</c>.</summary>
public sealed class ClinicFeedback
{
    /// <summary>Channels of the request in order of preference (Templating uses the first it has a template for).</summary>
    public List<string>? Channels { get; set; }

    public SendWindow? SendWindow { get; set; }

    /// <summary>Who is alerted of a low rating. Each address needs a consent (email, service) in the Consent ledger.</summary>
    public List<string>? ManagerEmails { get; set; }

    /// <summary>Public review sites shown to every patient who answered, whatever the score.</summary>
    public List<ReviewLink>? ReviewLinks { get; set; }

    /// <summary>
    /// No longer read: the results API takes the clinic's MIS key (<c>Mis:Clinics</c>) like every service. Bound only
    /// so that a service still configured the old way refuses to start and says so, instead of locking the clinic out.
    /// </summary>
    public string? ApiKey { get; set; }

    internal IEnumerable<ValidationResult> Validate(string path)
    {
        foreach (var channel in Channels ?? [])
        {
            if (!Comms.Contracts.Channels.All.Contains(channel))
            {
                yield return new ValidationResult($"'{channel}' is not a channel; use {string.Join(", ", Comms.Contracts.Channels.All)}", [$"{path}:{nameof(Channels)}"]);
            }
        }

        var emails = ManagerEmails ?? [];
        for (var i = 0; i < emails.Count; i++)
        {
            if (!System.Net.Mail.MailAddress.TryCreate(emails[i], out _))
            {
                yield return new ValidationResult($"'{emails[i]}' is not an email address", [$"{path}:{nameof(ManagerEmails)}:{i}"]);
            }
        }

        var links = ReviewLinks ?? [];
        for (var i = 0; i < links.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(links[i].Name))
            {
                yield return new ValidationResult("is required", [$"{path}:{nameof(ReviewLinks)}:{i}:Name"]);
            }

            if (!Uri.TryCreate(links[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                yield return new ValidationResult($"'{links[i].Url}' is not an absolute http(s) URL", [$"{path}:{nameof(ReviewLinks)}:{i}:Url"]);
            }
        }

        if (ApiKey is not null)
        {
            yield return new ValidationResult(
                "is no longer read: give the clinic's key in Mis:Clinics (Mis__Clinics__N__ClinicId / __ApiKey), as on every service", [$"{path}:{nameof(ApiKey)}"]);
        }
    }
}

/// <summary>A public review site of a clinic: Яндекс Карты, 2ГИС, ПроДокторов…</summary>
public sealed class ReviewLink
{
    public string Name { get; set; } = "";

    public string Url { get; set; } = "";
}

public static class RatingScales
{
    public const string Stars5 = "stars5";
    public const string Nps = "nps";

    public static readonly IReadOnlyList<string> All = [Stars5, Nps];

    public static int Min(string scale) => scale == Nps ? 0 : 1;

    public static int Max(string scale) => scale == Nps ? 10 : 5;

    public static int DefaultThreshold(string scale) => scale == Nps ? 6 : 3;

    public static bool InRange(string scale, int rating) => rating >= Min(scale) && rating <= Max(scale);
}
