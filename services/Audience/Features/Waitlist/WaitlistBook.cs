using Comms.Audience.Features.History;
using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Waitlist;

/// <summary>
/// The MIS's waitlist events as Audience keeps them (applied inside <see cref="MisHistoryConsumer"/>'s transaction, once
/// each): entries added and removed, slots freed — by <c>slot.freed</c>, or by the cancellation of a booking whose doctor
/// and start Comms knows — and offered to the first group at once.
/// </summary>
public sealed partial class WaitlistBook(
    AudienceDbContext db,
    HistoryProjection history,
    WaitlistOffers offers,
    IOptionsMonitor<WaitlistOptions> options,
    TimeProvider time,
    ILogger<WaitlistBook> logger)
{
    public async Task ApplyAddedAsync(WaitlistAddedData data, DateTimeOffset? eventTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clinicId = data.Clinic.ClinicId;
        var entry = await db.WaitlistEntries.FindAsync([clinicId, data.EntryId], cancellationToken);
        if (entry is null)
        {
            entry = new WaitlistEntry { ClinicId = clinicId, EntryId = data.EntryId, PatientId = data.Patient.PatientId, AddedAt = (data.AddedAt ?? eventTime ?? now).ToUniversalTime() };
            db.WaitlistEntries.Add(entry);
        }
        else if (data.AddedAt is { } addedAt)
        {
            entry.AddedAt = addedAt.ToUniversalTime();
        }

        entry.PatientId = data.Patient.PatientId;
        entry.DoctorId = data.DoctorId;
        entry.Specialty = data.Specialty;
        entry.WantedFrom = data.From.ToUniversalTime();
        entry.WantedTo = data.To.ToUniversalTime();
        entry.Status = WaitlistEntryStatuses.Waiting;
        entry.RemovedReason = null;
        entry.UpdatedAt = now;
        await history.ApplyAddresseeAsync(clinicId, data.Patient.PatientId, data.Patient.FirstName, data.Patient.MiddleName, data.Patient.LastName,
            data.Patient.TimeZone ?? data.Clinic.TimeZone, cancellationToken);
        await history.ApplyClinicAsync(data.Clinic, cancellationToken);
    }

    public async Task ApplyRemovedAsync(WaitlistRemovedData data, CancellationToken cancellationToken)
    {
        if (await db.WaitlistEntries.FindAsync([data.Clinic.ClinicId, data.EntryId], cancellationToken) is not { } entry)
        {
            LogUnknownEntry(logger, data.EntryId);
            return;
        }

        entry.Status = WaitlistEntryStatuses.Removed;
        entry.RemovedReason = data.Reason;
        entry.UpdatedAt = time.GetUtcNow();
    }

    public async Task ApplySlotFreedAsync(SlotFreedData data, CancellationToken cancellationToken)
    {
        await history.ApplyClinicAsync(data.Clinic, cancellationToken);
        await FreeAsync(new WaitlistSlot
        {
            ClinicId = data.Clinic.ClinicId, MisSlotId = data.SlotId, DoctorId = data.Doctor.DoctorId!, DoctorName = data.Doctor.Name,
            Specialty = data.Doctor.Specialty, StartsAt = data.StartsAt.ToUniversalTime(), DurationMinutes = data.DurationMinutes,
            ServiceCode = data.Service?.Code, ServiceName = data.Service?.Name, TimeZone = data.Clinic.TimeZone!,
        }, cancellationToken);
    }

    /// <summary>
    /// What the booking was before its cancellation is applied: a cancellation that frees a slot is one of a booked
    /// appointment, newer than what Comms knows, with a doctor and a start still ahead.
    /// </summary>
    public async Task<Visit?> BookingBeforeAsync(AppointmentClosedData data, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.OfferCancelledSlots || !data.OfferSlot)
        {
            return null;
        }

        var visit = await db.Visits.AsNoTracking().FirstOrDefaultAsync(
            v => v.ClinicId == data.Clinic.ClinicId && v.VisitKey == VisitKeys.Appointment(data.AppointmentId), cancellationToken);
        return visit is { Status: VisitStatuses.Booked, DoctorId: not null, StartsAt: { } startsAt } && visit.Version < data.Version && startsAt > time.GetUtcNow()
            ? visit
            : null;
    }

    public async Task ApplyCancelledAsync(AppointmentClosedData data, Visit booking, CancellationToken cancellationToken)
    {
        var card = await db.ClinicCards.AsNoTracking().FirstOrDefaultAsync(c => c.ClinicId == data.Clinic.ClinicId, cancellationToken);
        await FreeAsync(new WaitlistSlot
        {
            ClinicId = data.Clinic.ClinicId, FreedByAppointmentId = data.AppointmentId, FreedByPatientId = booking.PatientId,
            DoctorId = booking.DoctorId!, Specialty = booking.Specialty, StartsAt = booking.StartsAt!.Value.ToUniversalTime(),
            ServiceCode = booking.ServiceCode, TimeZone = offers.ZoneOf(card?.TimeZone ?? booking.TimeZone).Id,
        }, cancellationToken);
    }

    private async Task FreeAsync(WaitlistSlot slot, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The same time freed twice (slot.freed and the cancellation behind it) is one slot.
        if (await db.WaitlistSlots.AnyAsync(s => s.ClinicId == slot.ClinicId && s.DoctorId == slot.DoctorId && s.StartsAt == slot.StartsAt && s.Status == WaitlistSlotStatuses.Open, cancellationToken))
        {
            LogAlreadyOpen(logger);
            return;
        }

        slot.Id = Guid.CreateVersion7(now);
        slot.CreatedAt = now;
        slot.NextAt = now;
        db.WaitlistSlots.Add(slot);
        await offers.AdvanceAsync(slot, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "waitlist.removed for entry {EntryId}, which Comms does not have")]
    private static partial void LogUnknownEntry(ILogger logger, string entryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A freed slot already on offer: nothing new")]
    private static partial void LogAlreadyOpen(ILogger logger);
}
