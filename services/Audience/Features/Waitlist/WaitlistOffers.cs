using System.Globalization;
using Comms.Audience.Features.Campaigns;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Waitlist;

/// <summary>
/// Offers a freed slot a group at a time (docs/waitlist.md). The caller holds the slot's row (a new slot, or one read
/// <c>FOR UPDATE</c>), so two passes never offer the same slot at once. A group is the longest waiting first (in whole
/// days), then the highest value (what the patient has paid the clinic), each with a service consent on a channel.
/// </summary>
public sealed partial class WaitlistOffers(
    AudienceDbContext db,
    IOptionsMonitor<WaitlistOptions> options,
    IOptionsMonitor<CampaignOptions> campaignOptions,
    CommsCloudEvents commsEvents,
    TimeProvider time,
    ILogger<WaitlistOffers> logger)
{
    public const string OfferKey = TemplateKeys.WaitlistOffer;
    public const string ClaimedKey = TemplateKeys.WaitlistClaimed;
    public const string TakenKey = TemplateKeys.WaitlistTaken;

    /// <summary>What a reply to an offer answers (ComposeMessage.ExpectedReply, PatientReplied.ExpectedReply).</summary>
    public const string ExpectedReply = ExpectedReplies.Waitlist;

    public const string SlotClaimed = "slot.claimed";

    private static readonly string[] Weekdays = ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"];

    /// <summary>
    /// Moves the slot on: a running group is left to answer; an expired one gives way to the next group (inside the
    /// clinic's window); too close to its start the slot ends unfilled.
    /// </summary>
    public async Task AdvanceAsync(WaitlistSlot slot, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        slot.UpdatedAt = now;
        if (slot.Status != WaitlistSlotStatuses.Open)
        {
            return;
        }

        var outstanding = await db.WaitlistOffers.Where(o => o.SlotId == slot.Id && o.State == WaitlistOfferStates.Offered).ToListAsync(cancellationToken);
        foreach (var offer in outstanding.Where(o => o.ExpiresAt <= now))
        {
            offer.State = WaitlistOfferStates.Expired;
        }

        if (outstanding.Where(o => o.ExpiresAt > now).Select(o => (DateTimeOffset?)o.ExpiresAt).Min() is { } running)
        {
            slot.NextAt = running;
            return;
        }

        var deadline = slot.StartsAt - settings.MinimumNotice;
        var zone = ZoneOf(slot.TimeZone);
        var opens = SendWindow.Next(now, settings.From, settings.To, zone);
        if (opens >= deadline)
        {
            slot.Status = WaitlistSlotStatuses.Unfilled;
            LogUnfilled(logger, slot.Id, slot.Round);
            return;
        }

        if (opens > now)
        {
            slot.NextAt = opens;
            return;
        }

        var expiresAt = Earliest(now + settings.OfferLifetime, deadline);
        var group = await GroupAsync(slot, now, settings, cancellationToken);
        slot.NextAt = expiresAt;
        if (group.Count == 0)
        {
            return; // nobody to offer it to yet: looked at again when this would have expired
        }

        slot.Round++;
        var cards = await db.ClinicCards.AsNoTracking().Where(c => c.ClinicId == slot.ClinicId).FirstOrDefaultAsync(cancellationToken);
        var patientIds = group.Select(c => c.Entry.PatientId).ToArray();
        var addressees = await db.Addressees.AsNoTracking().Where(a => a.ClinicId == slot.ClinicId && patientIds.Contains(a.PatientId))
            .ToDictionaryAsync(a => a.PatientId, StringComparer.Ordinal, cancellationToken);
        foreach (var candidate in group)
        {
            var offer = new WaitlistOffer
            {
                MessageId = Guid.CreateVersion7(now), SlotId = slot.Id, ClinicId = slot.ClinicId, EntryId = candidate.Entry.EntryId,
                PatientId = candidate.Entry.PatientId, Round = slot.Round, Channel = candidate.Consent.Channel, OfferedAt = now,
                ExpiresAt = expiresAt, ConsentSequence = candidate.Consent.Sequence,
            };
            db.WaitlistOffers.Add(offer);
            var addressee = addressees.GetValueOrDefault(offer.PatientId);
            var model = Model(slot, addressee, cards, zone);
            var until = TimeZoneInfo.ConvertTime(expiresAt, ZoneOf(addressee?.TimeZone ?? slot.TimeZone));
            model["offer.until"] = until.ToString(until.Date == TimeZoneInfo.ConvertTime(now, ZoneOf(addressee?.TimeZone ?? slot.TimeZone)).Date ? "HH:mm" : "dd.MM HH:mm", CultureInfo.InvariantCulture);
            db.Publish(Message(offer.MessageId, OfferKey, offer, candidate.Consent.Contact!, addressee, model, ExpectedReply, now, expiresAt), time);
        }

        LogOffered(logger, slot.Id, slot.Round, group.Count);
    }

    /// <summary>The patient's «1» came first: the slot is theirs, the MIS is told, every other patient offered it is told it is taken.</summary>
    public async Task ClaimAsync(WaitlistSlot slot, WaitlistOffer winner, WaitlistEntry entry, string channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        slot.Status = WaitlistSlotStatuses.Claimed;
        slot.ClaimedEntryId = winner.EntryId;
        slot.ClaimedPatientId = winner.PatientId;
        slot.ClaimedAt = now;
        slot.UpdatedAt = now;
        winner.State = WaitlistOfferStates.Won;
        winner.AnsweredAt = now;
        entry.Status = WaitlistEntryStatuses.Claimed;
        entry.UpdatedAt = now;
        await FollowUpAsync(slot, winner, ClaimedKey, cancellationToken);

        var zone = ZoneOf(slot.TimeZone);
        commsEvents.Publish(db, SlotClaimed, new
        {
            clinicId = slot.ClinicId,
            slotId = slot.MisSlotId,
            doctorId = slot.DoctorId,
            startsAt = TimeZoneInfo.ConvertTime(slot.StartsAt, zone),
            durationMinutes = slot.DurationMinutes,
            serviceCode = slot.ServiceCode,
            freedByAppointmentId = slot.FreedByAppointmentId,
            patientId = winner.PatientId,
            entryId = winner.EntryId,
            messageId = winner.MessageId,
            channel,
            claimedAt = now,
        });

        var others = await db.WaitlistOffers
            .Where(o => o.SlotId == slot.Id && o.MessageId != winner.MessageId && (o.State == WaitlistOfferStates.Offered || o.State == WaitlistOfferStates.Expired))
            .ToListAsync(cancellationToken);
        foreach (var other in others)
        {
            await TellTakenAsync(slot, other, cancellationToken);
        }

        LogClaimed(logger, slot.Id, winner.MessageId, others.Count);
    }

    /// <summary>The slot is not theirs (another patient was first, or their offer ended): they are told so, once.</summary>
    public Task TellTakenAsync(WaitlistSlot slot, WaitlistOffer offer, CancellationToken cancellationToken)
    {
        offer.State = WaitlistOfferStates.Taken;
        offer.AnsweredAt ??= time.GetUtcNow();
        return FollowUpAsync(slot, offer, TakenKey, cancellationToken);
    }

    /// <summary>A follow-up by the offer's channel, under the patient's service consent as it stands now (none without it).</summary>
    private async Task FollowUpAsync(WaitlistSlot slot, WaitlistOffer offer, string templateKey, CancellationToken cancellationToken)
    {
        if (offer.FollowUpMessageId is not null)
        {
            return;
        }

        var consent = await db.ChannelConsents.AsNoTracking()
            .FirstOrDefaultAsync(c => c.ClinicId == offer.ClinicId && c.PatientId == offer.PatientId && c.Channel == offer.Channel && c.Purpose == Purposes.Service, cancellationToken);
        if (consent is not { Granted: true, Contact: not null })
        {
            return;
        }

        var now = time.GetUtcNow();
        var addressee = await db.Addressees.AsNoTracking().FirstOrDefaultAsync(a => a.ClinicId == offer.ClinicId && a.PatientId == offer.PatientId, cancellationToken);
        var card = await db.ClinicCards.AsNoTracking().FirstOrDefaultAsync(c => c.ClinicId == offer.ClinicId, cancellationToken);
        offer.FollowUpMessageId = MessageIds.Derived(offer.MessageId, templateKey);
        var model = Model(slot, addressee, card, ZoneOf(slot.TimeZone));
        db.Publish(Message(offer.FollowUpMessageId.Value, templateKey, offer, consent.Contact, addressee, model, null, now, null), time);
    }

    private async Task<List<Candidate>> GroupAsync(WaitlistSlot slot, DateTimeOffset now, WaitlistOptions settings, CancellationToken cancellationToken)
    {
        // The doctor asked for, or — with no doctor asked for — any of the slot's specialty (its case aside).
        var entries = (await db.WaitlistEntries.AsNoTracking()
                .Where(e => e.ClinicId == slot.ClinicId && e.Status == WaitlistEntryStatuses.Waiting
                            && e.WantedFrom <= slot.StartsAt && e.WantedTo > slot.StartsAt
                            && (e.DoctorId == slot.DoctorId || (e.DoctorId == null && slot.Specialty != null))
                            && (slot.FreedByPatientId == null || e.PatientId != slot.FreedByPatientId))
                .ToListAsync(cancellationToken))
            .Where(e => e.DoctorId is not null || string.Equals(e.Specialty, slot.Specialty, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (entries.Count == 0)
        {
            return [];
        }

        var patientIds = entries.Select(e => e.PatientId).Distinct().ToArray();
        // Offered this slot before, or waiting on an offer of another slot (nobody wins two at once).
        var busy = (await db.WaitlistOffers.AsNoTracking()
                .Where(o => o.ClinicId == slot.ClinicId && patientIds.Contains(o.PatientId)
                            && (o.SlotId == slot.Id || (o.State == WaitlistOfferStates.Offered && o.ExpiresAt > now)))
                .Select(o => o.PatientId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var consents = (await db.ChannelConsents.AsNoTracking()
                .Where(c => c.ClinicId == slot.ClinicId && patientIds.Contains(c.PatientId) && c.Purpose == Purposes.Service && c.Granted && c.Contact != null)
                .ToListAsync(cancellationToken))
            .ToLookup(c => c.PatientId, StringComparer.Ordinal);
        var values = (await db.Visits.AsNoTracking()
                .Where(v => v.ClinicId == slot.ClinicId && v.PatientId != null && patientIds.Contains(v.PatientId) && v.Status == VisitStatuses.Completed)
                .GroupBy(v => v.PatientId!)
                .Select(g => new { PatientId = g.Key, Value = g.Sum(v => v.Amount ?? 0) })
                .ToListAsync(cancellationToken))
            .ToDictionary(v => v.PatientId, v => v.Value, StringComparer.Ordinal);

        var order = settings.ChannelOrder;
        return [.. entries
            .Where(e => !busy.Contains(e.PatientId))
            .Select(e => new Candidate(e, order.Select(channel => consents[e.PatientId].FirstOrDefault(c => c.Channel == channel)).FirstOrDefault(c => c is not null)!,
                (int)Math.Floor((now - e.AddedAt).TotalDays), values.GetValueOrDefault(e.PatientId)))
            .Where(c => c.Consent is not null)
            .OrderByDescending(c => c.DaysWaiting).ThenByDescending(c => c.Value).ThenBy(c => c.Entry.AddedAt).ThenBy(c => c.Entry.PatientId, StringComparer.Ordinal)
            .DistinctBy(c => c.Entry.PatientId)
            .Take(settings.GroupSize)];
    }

    /// <summary>The texts' variables: the common ones (the patient's name, the clinic) and the slot's, in the patient's zone.</summary>
    private static Dictionary<string, string?> Model(WaitlistSlot slot, Addressee? addressee, ClinicCard? card, TimeZoneInfo clinicZone)
    {
        var model = CampaignModel.For(slot.ClinicId, addressee, card);
        var local = TimeZoneInfo.ConvertTime(slot.StartsAt, addressee?.TimeZone is { } own && TimeZoneInfo.TryFindSystemTimeZoneById(own, out var zone) ? zone : clinicZone);
        model["slot.date"] = local.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
        model["slot.time"] = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        model["slot.weekday"] = Weekdays[(int)local.DayOfWeek];
        model["slot.startsAt"] = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        model["slot.durationMinutes"] = slot.DurationMinutes?.ToString(CultureInfo.InvariantCulture);
        model["doctor.name"] = slot.DoctorName;
        model["doctor.specialty"] = slot.Specialty;
        model["service.name"] = slot.ServiceName;
        return model;
    }

    private static ComposeMessage Message(
        Guid messageId, string templateKey, WaitlistOffer offer, string contact, Addressee? addressee, Dictionary<string, string?> model,
        string? expectedReply, DateTimeOffset now, DateTimeOffset? notAfter)
    {
        var email = offer.Channel == Contracts.Channels.Email ? contact : null;
        var phone = offer.Channel == Contracts.Channels.Email ? null : contact;
        return new ComposeMessage(
            messageId, templateKey, Purposes.Service, [offer.Channel],
            new MessageRecipient(offer.ClinicId, offer.PatientId, phone, email, null, addressee?.TimeZone),
            "ru", model, null, expectedReply, now, notAfter?.ToUniversalTime());
    }

    public TimeZoneInfo ZoneOf(string? told) =>
        told is not null && TimeZoneInfo.TryFindSystemTimeZoneById(told, out var zone) ? zone : TimeZoneInfo.FindSystemTimeZoneById(campaignOptions.CurrentValue.DefaultTimeZone);

    private static DateTimeOffset Earliest(params DateTimeOffset[] times) => times.Min();

    private sealed record Candidate(WaitlistEntry Entry, ChannelConsent Consent, int DaysWaiting, decimal Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist slot {SlotId}: round {Round} offered to {Count}")]
    private static partial void LogOffered(ILogger logger, Guid slotId, int round, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist slot {SlotId}: claimed by the answer to {MessageId}; {Others} told it is taken")]
    private static partial void LogClaimed(ILogger logger, Guid slotId, Guid messageId, int others);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist slot {SlotId}: nobody claimed it in time after {Rounds} round(s)")]
    private static partial void LogUnfilled(ILogger logger, Guid slotId, int rounds);
}
