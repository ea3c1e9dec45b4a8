using Comms.Audience.Persistence;
using Comms.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Waitlist;

/// <summary>
/// <c>GET /api/v1/audience/clinics/{clinicId}/waitlist</c>: the clinic's waitlist and its freed slots with every offer
/// (ids and states only — no names or contacts), for the clinic's IT and support.
/// </summary>
public static class WaitlistApi
{
    public const int MaxSlots = 200;

    public static RouteGroupBuilder MapWaitlistEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/clinics/{clinicId}/waitlist", WaitlistAsync).WithName("GetAudienceWaitlist")
            .WithSummary("The clinic's waitlist entries and its freed slots (newest first, at most 200) with each offer and how it ended")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<WaitlistAnswerBody>, ValidationProblem>> WaitlistAsync(
        string clinicId, string? status, AudienceDbContext db, IOptionsMonitor<WaitlistOptions> options, CancellationToken cancellationToken)
    {
        string[] statuses = [WaitlistSlotStatuses.Open, WaitlistSlotStatuses.Claimed, WaitlistSlotStatuses.Unfilled];
        if (status is not null && !statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"must be one of {string.Join(", ", statuses)}"] });
        }

        var rows = await db.WaitlistEntries.AsNoTracking().Where(e => e.ClinicId == clinicId).OrderBy(e => e.AddedAt).ToListAsync(cancellationToken);
        var patientIds = rows.Select(e => e.PatientId).Distinct().ToArray();
        var consents = (await db.ChannelConsents.AsNoTracking()
                .Where(c => c.ClinicId == clinicId && patientIds.Contains(c.PatientId) && c.Purpose == Purposes.Service && c.Granted && c.Contact != null)
                .Select(c => new { c.PatientId, c.Channel }).ToListAsync(cancellationToken))
            .ToLookup(c => c.PatientId, c => c.Channel, StringComparer.Ordinal);
        var order = options.CurrentValue.ChannelOrder;
        var entries = rows.Select(e => new WaitlistEntryBody(
            e.EntryId, e.PatientId, e.DoctorId, e.Specialty, e.WantedFrom, e.WantedTo, e.AddedAt, e.Status,
            order.FirstOrDefault(channel => consents[e.PatientId].Contains(channel, StringComparer.Ordinal)))).ToList();
        var slots = await db.WaitlistSlots.AsNoTracking().Where(s => s.ClinicId == clinicId && (status == null || s.Status == status))
            .OrderByDescending(s => s.CreatedAt).Take(MaxSlots).ToListAsync(cancellationToken);
        var ids = slots.Select(s => s.Id).ToArray();
        var offers = (await db.WaitlistOffers.AsNoTracking().Where(o => ids.Contains(o.SlotId)).OrderBy(o => o.Round).ThenBy(o => o.OfferedAt).ToListAsync(cancellationToken))
            .ToLookup(o => o.SlotId);
        return TypedResults.Ok(new WaitlistAnswerBody(clinicId, entries, [.. slots.Select(s => new WaitlistSlotBody(
            s.Id, s.MisSlotId, s.FreedByAppointmentId, s.DoctorId, s.Specialty, s.StartsAt, s.DurationMinutes, s.Status, s.Round, s.Status == WaitlistSlotStatuses.Open ? s.NextAt : null,
            s.ClaimedPatientId, s.ClaimedEntryId, s.ClaimedAt,
            [.. offers[s.Id].Select(o => new WaitlistOfferBody(o.MessageId, o.PatientId, o.EntryId, o.Round, o.Channel, o.State, o.OfferedAt, o.ExpiresAt, o.AnsweredAt))]))]));
    }
}

public sealed record WaitlistAnswerBody(string ClinicId, IReadOnlyList<WaitlistEntryBody> Entries, IReadOnlyList<WaitlistSlotBody> Slots);

/// <param name="OfferChannel">The channel an offer would go by now: the first of <c>Audience:Waitlist:Channels</c> the patient
/// has a service consent on; null when there is none (the patient is passed over).</param>
public sealed record WaitlistEntryBody(
    string EntryId, string PatientId, string? DoctorId, string? Specialty, DateTimeOffset WantedFrom, DateTimeOffset WantedTo, DateTimeOffset AddedAt, string Status,
    string? OfferChannel);

public sealed record WaitlistSlotBody(
    Guid Id, string? SlotId, string? FreedByAppointmentId, string DoctorId, string? Specialty, DateTimeOffset StartsAt, int? DurationMinutes,
    string Status, int Rounds, DateTimeOffset? NextAt, string? ClaimedPatientId, string? ClaimedEntryId, DateTimeOffset? ClaimedAt,
    IReadOnlyList<WaitlistOfferBody> Offers);

public sealed record WaitlistOfferBody(
    Guid MessageId, string PatientId, string EntryId, int Round, string Channel, string State, DateTimeOffset OfferedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AnsweredAt);
