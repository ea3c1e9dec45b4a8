using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Comms.Audience.Features.Waitlist;

/// <summary>How freed slots are offered to the waitlist (<c>Audience:Waitlist</c>, docs/waitlist.md).</summary>
public sealed class WaitlistOptions : IValidatableObject
{
    public const string Section = "Audience:Waitlist";

    public static readonly IReadOnlyList<string> DefaultChannels = [Contracts.Channels.Sms, Contracts.Channels.Max, Contracts.Channels.Email];

    /// <summary>How many patients are offered a slot at a time.</summary>
    public int GroupSize { get; set; } = 3;

    /// <summary>How long a group has to answer before the next group is offered the slot.</summary>
    public TimeSpan OfferLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>No offer runs closer than this to the slot's start: the patient must be able to come.</summary>
    public TimeSpan MinimumNotice { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The channels an offer may go by, in order: the first the patient has a service consent on is used.</summary>
    public string[]? Channels { get; set; }

    /// <summary>Offers go between these local times of the clinic's zone only (HH:mm).</summary>
    public string WindowFrom { get; set; } = "09:00";

    public string WindowTo { get; set; } = "21:00";

    /// <summary>How often the runner looks for offers that expired.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether an <c>appointment.cancelled</c> of a booking Comms knows (doctor, start) frees its slot too.</summary>
    public bool OfferCancelledSlots { get; set; } = true;

    public IReadOnlyList<string> ChannelOrder => Channels is { Length: > 0 } given ? given : DefaultChannels;

    public TimeOnly From => TimeOnly.ParseExact(WindowFrom, "HH:mm", CultureInfo.InvariantCulture);

    public TimeOnly To => TimeOnly.ParseExact(WindowTo, "HH:mm", CultureInfo.InvariantCulture);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GroupSize is < 1 or > 20)
        {
            yield return new ValidationResult("must be 1–20", [$"{Section}:GroupSize"]);
        }

        if (OfferLifetime < TimeSpan.FromMinutes(1) || OfferLifetime > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be 00:01:00–1.00:00:00", [$"{Section}:OfferLifetime"]);
        }

        if (MinimumNotice < TimeSpan.Zero || MinimumNotice > TimeSpan.FromDays(7))
        {
            yield return new ValidationResult("must be 00:00:00–7.00:00:00", [$"{Section}:MinimumNotice"]);
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be 00:00:01–01:00:00", [$"{Section}:Interval"]);
        }

        foreach (var (name, value) in new[] { ("WindowFrom", WindowFrom), ("WindowTo", WindowTo) })
        {
            if (!TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                yield return new ValidationResult($"'{value}' is not a time HH:mm", [$"{Section}:{name}"]);
            }
        }

        foreach (var channel in Channels ?? [])
        {
            if (!Contracts.Channels.All.Contains(channel) || channel == Contracts.Channels.WhatsApp)
            {
                yield return new ValidationResult($"'{channel}' is not a channel an offer can go by (sms, max, email)", [$"{Section}:Channels"]);
            }
        }
    }
}
