using System.ComponentModel.DataAnnotations;
using Comms.Contracts;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>Section <c>Reminders</c>: the default plan of every appointment (per-clinic rules come later).</summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = "Reminders";

    public SendWindow SendWindow { get; set; } = new();

    /// <summary>A send that would go out closer than this to the appointment is skipped.</summary>
    public TimeSpan MinimumLeadTime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Sends closer together than this are merged into the earlier one (a late booking gets one message, not three).</summary>
    public TimeSpan MinimumGap { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How late past its lead-time limit a due send may still go out (the dispatcher was briefly down).</summary>
    public TimeSpan LateTolerance { get; set; } = TimeSpan.FromMinutes(15);

    public int DispatchBatchSize { get; set; } = 100;

    [Required]
    public string DefaultTimeZone { get; set; } = "Europe/Moscow";

    public List<ReminderRule> Rules { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinimumLeadTime < TimeSpan.Zero)
        {
            yield return new ValidationResult("must not be negative", [$"{Section}:{nameof(MinimumLeadTime)}"]);
        }

        if (DispatchInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [$"{Section}:{nameof(DispatchInterval)}"]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            yield return new ValidationResult($"'{DefaultTimeZone}' is not a known IANA time zone", [$"{Section}:{nameof(DefaultTimeZone)}"]);
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            var at = $"{Section}:Rules:{i}";
            if (string.IsNullOrWhiteSpace(rule.TemplateKey))
            {
                yield return new ValidationResult("TemplateKey is required", [$"{at}:TemplateKey"]);
            }

            if (rule.Offset <= TimeSpan.Zero)
            {
                yield return new ValidationResult("Offset (time before the appointment) must be positive", [$"{at}:Offset"]);
            }

            if (rule.Channels.Count == 0 || rule.Channels.Any(c => !Channels.All.Contains(c)))
            {
                yield return new ValidationResult($"Channels must list some of {string.Join(", ", Channels.All)}", [$"{at}:Channels"]);
            }

            if (!Purposes.All.Contains(rule.Purpose))
            {
                yield return new ValidationResult($"Purpose must be one of {string.Join(", ", Purposes.All)}", [$"{at}:Purpose"]);
            }
        }
    }
}

/// <summary>One planned send: <see cref="Offset"/> before the appointment, rendered from <see cref="TemplateKey"/>.</summary>
public sealed class ReminderRule
{
    /// <summary>"confirmation" (asks for 1/2) or "reminder".</summary>
    public string Kind { get; set; } = "reminder";

    public TimeSpan Offset { get; set; }

    public string TemplateKey { get; set; } = "";

    public string Purpose { get; set; } = Purposes.Service;

    /// <summary>Channels in order of preference. No default here: the configuration binder would append to it.</summary>
    public List<string> Channels { get; set; } = [];

    public string? ExpectedReply { get; set; }
}

/// <summary>
/// The hours of the day, in the patient's (or clinic's) local time, when messages may go out: [Start, End).
/// Start equal to End means any time.
/// </summary>
public sealed class SendWindow
{
    public TimeOnly Start { get; set; } = new(9, 0);

    public TimeOnly End { get; set; } = new(21, 0);

    public bool IsAlwaysOpen => Start == End;

    /// <summary>The earliest moment at or after <paramref name="instant"/> inside the window, in <paramref name="zone"/>.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset instant, TimeZoneInfo zone)
    {
        if (IsAlwaysOpen)
        {
            return instant;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (inside)
        {
            return instant;
        }

        var day = DateOnly.FromDateTime(local.DateTime);
        if (Start < End && time >= End)
        {
            day = day.AddDays(1);
        }

        return AtLocal(day, Start, zone);
    }

    /// <summary>A local wall-clock time as an instant; a time skipped by a DST jump moves forward to the first valid one.</summary>
    private static DateTimeOffset AtLocal(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var wall = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}
