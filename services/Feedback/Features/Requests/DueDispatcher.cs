using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.Feedback.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Requests;

/// <summary>
/// Sends the feedback requests that are due. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas share the
/// work without sending one twice; the ComposeMessage goes through the outbox in the transaction that marks the row
/// sent. The personal link's token is made here, and only its hash is kept.
/// One patient's requests are decided one pass at a time (<see cref="PatientSubject"/>): a pass holds the patient
/// until it commits, and a request whose patient another pass holds waits for the next pass, which sees what that one
/// sent. So two visits completed together ask the patient once, whichever replicas take them.
/// A pass is one transaction for its whole batch; when it fails for a reason of its own requests (not the database's
/// absence), each of its requests is sent on its own, and the one that fails rests (<see cref="FailingRows{TKey}"/>):
/// one request that fails every time holds back none of the others.
/// </summary>
public sealed partial class DueDispatcher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<FeedbackOptions> options,
    FailingRows<Guid> failing,
    ILogger<DueDispatcher> logger) : BackgroundService
{
    public const string RequestTemplateKey = TemplateKeys.FeedbackRequest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            var dispatched = 0;
            try
            {
                dispatched = await DispatchDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(logger, ex);
            }

            if (dispatched < settings.DispatchBatchSize)
            {
                await Task.Delay(settings.DispatchInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One pass: the due requests of a batch, or each on its own when the batch fails for one of them. Returns how many were handled.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var claimed = new List<Guid>();
        try
        {
            return await DispatchAsync(only: null, claimed, cancellationToken);
        }
        catch (Exception ex) when (claimed.Count > 0 && !TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, ex, claimed.Count);
        }

        var handled = 0;
        foreach (var messageId in claimed)
        {
            try
            {
                await DispatchAsync(only: messageId, [], cancellationToken);
                failing.Succeeded(messageId);
            }
            catch (Exception ex) when (!TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
            {
                failing.Failed(messageId, ex);
                LogRequestFailed(logger, ex, messageId);
            }

            handled++;
        }

        return handled;
    }

    private async Task<int> DispatchAsync(Guid? only, List<Guid> claimed, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var planner = scope.ServiceProvider.GetRequiredService<RequestPlanner>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var resting = failing.Resting();
        var due = await (only is { } messageId
            ? db.Requests.FromSql($"""
                SELECT * FROM feedback_requests
                WHERE "MessageId" = {messageId} AND "Status" = 'pending' AND "DueAt" <= {now}
                FOR UPDATE SKIP LOCKED
                """)
            : db.Requests.FromSql($"""
                SELECT * FROM feedback_requests
                WHERE "Status" = 'pending' AND "DueAt" <= {now} AND "MessageId" <> ALL({resting})
                ORDER BY "DueAt"
                LIMIT {settings.DispatchBatchSize}
                FOR UPDATE SKIP LOCKED
                """))
            .ToListAsync(cancellationToken);
        claimed.AddRange(due.Select(r => r.MessageId));
        if (due.Count == 0)
        {
            return 0;
        }

        var deferred = 0;
        foreach (var request in due)
        {
            var visit = await db.Visits.FindAsync([request.ClinicId, request.AppointmentId], cancellationToken);
            if (visit is { PatientId: { } patient } && !await db.TryLockSubjectAsync(PatientSubject(visit.ClinicId, patient), cancellationToken))
            {
                // Another pass (a replica) is deciding this patient's requests: left pending, for a pass that sees its outcome.
                deferred++;
                LogDeferred(logger, request.MessageId);
                continue;
            }

            if (await RefusalAsync(db, planner, request, visit, settings, now, cancellationToken) is { } reason)
            {
                request.Status = RequestStatuses.Skipped;
                request.StatusReason = reason;
                LogSkipped(logger, request.MessageId, reason);
                continue;
            }

            string? link = null;
            if (!string.IsNullOrEmpty(settings.PublicBaseUrl))
            {
                var token = FeedbackLinks.NewToken();
                request.TokenHash = FeedbackLinks.Hash(token);
                request.LinkExpiresAt = now + settings.LinkLifetime;
                link = FeedbackLinks.Url(settings.PublicBaseUrl, token);
            }

            var zone = RequestPlanner.ZoneOf(visit!, settings);
            request.PatientId ??= visit!.PatientId;
            db.Publish(new ComposeMessage(
                request.MessageId,
                RequestTemplateKey,
                Purposes.Service,
                request.Channels,
                Recipient(visit!, zone),
                "ru",
                FeedbackModel.For(visit!, request, zone, link),
                visit!.AppointmentId,
                ExpectedReplies.Rating,
                now), time);
            request.Status = RequestStatuses.Sent;
            request.DispatchedAt = now;
            LogDispatched(logger, request.MessageId, request.AppointmentId);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count - deferred;
    }

    /// <summary>The advisory lock a pass holds on a patient while it decides their requests (the repeat rule's scope).</summary>
    public static string PatientSubject(string clinicId, string patientId) => $"feedback-patient:{clinicId}:{patientId}";

    public static MessageRecipient Recipient(Visit visit, TimeZoneInfo zone) =>
        new(visit.ClinicId, visit.PatientId, visit.Phone, visit.Email, null, zone.Id);

    private static async Task<string?> RefusalAsync(
        FeedbackDbContext db, RequestPlanner planner, FeedbackRequest request, Visit? visit, FeedbackOptions settings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (visit is not { HasDetails: true, PatientId: { } patientId })
        {
            return SkipReasons.NoBooking;
        }

        if (visit.Status != VisitStatuses.Completed)
        {
            return SkipReasons.NotCompleted(visit.Status);
        }

        if (string.IsNullOrWhiteSpace(visit.Phone) && string.IsNullOrWhiteSpace(visit.Email))
        {
            return SkipReasons.NoContact;
        }

        // Checked again here: two visits completed close together are both planned before either is sent. This pass holds
        // the patient, and what it decided so far is written (not committed) first, so the query sees every other
        // request of theirs that is sent or being sent, in this pass or a committed one.
        await db.SaveChangesAsync(cancellationToken);
        return await planner.RecentRequestAsync(visit.ClinicId, patientId, request.MessageId, now, settings.RepeatWithinDays, includePending: false, cancellationToken) is { } recent
            ? RequestPlanner.RepeatReason(recent, settings.RepeatWithinDays)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback request {MessageId} for visit {AppointmentId} sent")]
    private static partial void LogDispatched(ILogger logger, Guid messageId, string appointmentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback request {MessageId} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, Guid messageId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback request {MessageId} left for the next pass: another pass is deciding this patient's requests")]
    private static partial void LogDeferred(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feedback dispatcher pass failed; retrying on the next pass")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} due feedback requests failed; sending each on its own")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feedback request {MessageId} failed on its own; it waits, the others go on")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, Guid messageId);
}

