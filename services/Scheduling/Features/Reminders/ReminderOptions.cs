using System.ComponentModel.DataAnnotations;
using Comms.Scheduling.Features.Rules;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Section <c>Reminders</c>: the rules every clinic without its own uses (<see cref="Defaults"/>), and how the due
/// dispatcher runs.
/// </summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = "Reminders";

    /// <summary>The rules of a clinic that has stored none through the rules API.</summary>
    public ClinicRules Defaults { get; set; } = new();

    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How late past its lead-time limit a due send may still go out (the dispatcher was briefly down).</summary>
    public TimeSpan LateTolerance { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 10_000)]
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>A patient's appointments starting this close together get one message per kind, not one each.</summary>
    public TimeSpan MergeAppointmentsWithin { get; set; } = TimeSpan.FromHours(1);

    [Required]
    public string DefaultTimeZone { get; set; } = "Europe/Moscow";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DispatchInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [$"{Section}:{nameof(DispatchInterval)}"]);
        }

        if (MergeAppointmentsWithin < TimeSpan.Zero)
        {
            yield return new ValidationResult("must not be negative", [$"{Section}:{nameof(MergeAppointmentsWithin)}"]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            yield return new ValidationResult($"'{DefaultTimeZone}' is not a known IANA time zone", [$"{Section}:{nameof(DefaultTimeZone)}"]);
        }

        foreach (var error in Defaults.Validate())
        {
            var key = error.ConfigurationKey($"{Section}:{nameof(Defaults)}");
            yield return new ValidationResult($"{key} {error.Message}", [key]);
        }
    }
}
