using Comms.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Requests;

/// <summary>
/// One feedback request per completed visit: due <c>Feedback:Delay</c> after the MIS said the visit is done, moved into
/// the clinic's send window in the patient's zone (else the clinic's). A patient asked, or about to be asked, within
/// <c>Feedback:RepeatWithinDays</c> is not asked again: the request is kept as skipped, with the reason.
/// </summary>
public sealed partial class RequestPlanner(
    FeedbackDbContext db,
    TimeProvider time,
    IOptionsMonitor<FeedbackOptions> options,
    ILogger<RequestPlanner> logger)
{
    public async Task PlanAsync(Visit visit, CancellationToken cancellationToken)
    {
        if (await db.Requests.AnyAsync(r => r.ClinicId == visit.ClinicId && r.AppointmentId == visit.AppointmentId, cancellationToken))
        {
            return;
        }

        var settings = options.CurrentValue;
        var clinic = settings.For(visit.ClinicId);
        var now = time.GetUtcNow();
        var request = new FeedbackRequest
        {
            MessageId = Guid.CreateVersion7(),
            ClinicId = visit.ClinicId,
            AppointmentId = visit.AppointmentId,
            PatientId = visit.PatientId,
            Status = RequestStatuses.Pending,
            Scale = settings.Scale,
            Channels = [.. clinic.Channels!],
            DueAt = clinic.SendWindow!.NextOpen(now + settings.Delay, ZoneOf(visit, settings)),
            CreatedAt = now,
        };
        db.Requests.Add(request);

        if (visit.PatientId is not null && await RecentRequestAsync(visit.ClinicId, visit.PatientId, request.MessageId, request.DueAt, settings.RepeatWithinDays, includePending: true, cancellationToken) is { } recent)
        {
            request.Status = RequestStatuses.Skipped;
            request.StatusReason = RepeatReason(recent, settings.RepeatWithinDays);
        }

        LogPlanned(logger, visit.AppointmentId, request.MessageId, request.Status, request.DueAt);
    }

    /// <summary>Another request of the patient sent, or still to be sent, within <paramref name="days"/> before <paramref name="at"/>.</summary>
    public async Task<FeedbackRequest?> RecentRequestAsync(string clinicId, string patientId, Guid except, DateTimeOffset at, int days, bool includePending, CancellationToken cancellationToken)
    {
        if (days <= 0)
        {
            return null;
        }

        var since = at - TimeSpan.FromDays(days);
        return await db.Requests
            .Where(r => r.ClinicId == clinicId && r.PatientId == patientId && r.MessageId != except)
            .Where(r => (includePending && r.Status == RequestStatuses.Pending) || (r.Status == RequestStatuses.Sent && r.DispatchedAt >= since))
            .OrderByDescending(r => r.DueAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public static string RepeatReason(FeedbackRequest recent, int days) => SkipReasons.AskedRecently(recent.AppointmentId, days);

    /// <summary>The zone of texts and send windows: the patient's when the MIS knows it, else the clinic's.</summary>
    public static TimeZoneInfo ZoneOf(Visit visit, FeedbackOptions settings) => Zone(settings, visit.PatientTimeZone, visit.ClinicTimeZone);

    /// <summary>The first known IANA zone of <paramref name="ids"/>, else <c>Feedback:DefaultTimeZone</c>.</summary>
    public static TimeZoneInfo Zone(FeedbackOptions settings, params string?[] ids)
    {
        foreach (var id in ids.Append(settings.DefaultTimeZone))
        {
            if (id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                return zone;
            }
        }

        return TimeZoneInfo.Utc;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Visit {AppointmentId}: feedback request {MessageId} {Status}, due {DueAt}")]
    private static partial void LogPlanned(ILogger logger, string appointmentId, Guid messageId, string status, DateTimeOffset dueAt);
}
