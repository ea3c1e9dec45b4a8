using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// Sends the campaigns' messages that are due. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> (replicas share
/// the work, none sends a row twice) and each ComposeMessage goes through the outbox in the transaction that marks its
/// row sent. At its time each message is checked again: the campaign still running and not past its end, the clinic's
/// send window, the patient's marketing consent on the channel (the record it goes under is kept), and the chain-wide
/// frequency cap — a patient's lock is held while it is counted, so two campaigns cannot both take the last place.
/// Templating renders it (purpose <c>marketing</c>: the opt-out line) and the gateway's consent gate checks it again.
/// </summary>
public sealed partial class CampaignDispatcher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<CampaignOptions> options,
    IOptionsMonitor<AudienceOptions> audienceOptions,
    ILogger<CampaignDispatcher> logger)
{
    private const string Actor = JourneyRunner.Actor;

    /// <summary>Passes until the service stops (<see cref="CampaignBackground"/>).</summary>
    public async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            var handled = 0;
            try
            {
                handled = await DispatchDueAsync(stoppingToken);
                if (handled == 0)
                {
                    await FinishAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(logger, ex);
            }

            if (handled < settings.DispatchBatchSize)
            {
                await Task.Delay(settings.DispatchInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One pass over what is due now; returns how many rows it handled (sent, moved to the next window or cancelled).</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.CampaignRecipients.FromSql($"""
                SELECT r.* FROM campaign_recipients r
                WHERE r."State" = 'planned' AND r."DueAt" <= {now}
                  AND r."CampaignId" IN (SELECT "Id" FROM campaigns WHERE "Status" = 'running')
                ORDER BY r."DueAt"
                LIMIT {settings.DispatchBatchSize}
                FOR UPDATE OF r SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var campaignIds = due.Select(r => r.CampaignId).Distinct().ToArray();
        var plans = (await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id)).ToListAsync(cancellationToken))
            .ToDictionary(c => c.Id, c => CampaignStore.Read(c).Plan());

        // A patient already being sent to by another pass is left for the next one: waiting could deadlock two batches.
        var subjects = due.Select(r => Subject(r)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var locked = (await db.Database.SqlQuery<LockRow>($"""
                SELECT k AS "Subject", pg_try_advisory_xact_lock(hashtextextended(k, 0)) AS "Locked" FROM unnest({subjects}) AS k
                """).ToListAsync(cancellationToken))
            .Where(l => l.Locked).Select(l => l.Subject).ToHashSet(StringComparer.Ordinal);

        var clinicIds = due.Select(r => r.ClinicId).Distinct().ToArray();
        var patientIds = due.Select(r => r.PatientId).Distinct().ToArray();
        var consents = (await db.ChannelConsents.AsNoTracking()
                .Where(c => clinicIds.Contains(c.ClinicId) && patientIds.Contains(c.PatientId) && c.Purpose == Purposes.Marketing)
                .ToListAsync(cancellationToken))
            .ToDictionary(c => (c.ClinicId, c.PatientId, c.Channel));
        var addressees = (await db.Addressees.AsNoTracking().Where(a => clinicIds.Contains(a.ClinicId) && patientIds.Contains(a.PatientId)).ToListAsync(cancellationToken))
            .ToDictionary(a => (a.ClinicId, a.PatientId));
        var cards = await db.ClinicCards.AsNoTracking().Where(c => clinicIds.Contains(c.ClinicId)).ToDictionaryAsync(c => c.ClinicId, cancellationToken);
        var sent = new Dictionary<string, Dictionary<string, List<DateTimeOffset>>>(StringComparer.Ordinal);
        // Keyed by the scope (the chain, or the clinic in none): the cap counts a patient's messages across the chain.
        foreach (var chain in due.Select(r => r.ClinicId).Distinct(StringComparer.Ordinal).GroupBy(audienceOptions.CurrentValue.ScopeIdOf))
        {
            var scopeClinics = audienceOptions.CurrentValue.ScopeOf(chain.First());
            sent[chain.Key] = await CampaignAudience.MarketingSentAsync(db, scopeClinics, now.AddDays(-30), cancellationToken,
                [.. due.Where(r => scopeClinics.Contains(r.ClinicId)).Select(r => r.PatientId).Distinct()]);
        }

        var handled = 0;
        var dispatched = 0;
        foreach (var recipient in due)
        {
            if (!locked.Contains(Subject(recipient)))
            {
                continue;
            }

            handled++;
            var plan = plans[recipient.CampaignId];
            recipient.UpdatedAt = now;
            if (now > plan.EndAt)
            {
                Cancel(recipient, ExclusionReasons.CampaignEnded);
                continue;
            }

            var card = cards.GetValueOrDefault(recipient.ClinicId);
            var zone = ZoneOf(card?.TimeZone, settings);
            if (!SendWindow.Inside(now, plan.WindowFrom, plan.WindowTo, zone))
            {
                var next = SendWindow.Next(now, plan.WindowFrom, plan.WindowTo, zone);
                if (next > plan.EndAt)
                {
                    Cancel(recipient, ExclusionReasons.CampaignEnded);
                }
                else
                {
                    recipient.DueAt = next;
                }

                continue;
            }

            var consent = consents.GetValueOrDefault((recipient.ClinicId, recipient.PatientId, recipient.Channel!));
            if (consent is not { Granted: true, Contact: not null })
            {
                Cancel(recipient, consent is null ? ExclusionReasons.NoConsent : ExclusionReasons.OptedOut);
                continue;
            }

            var chain = audienceOptions.CurrentValue.ScopeIdOf(recipient.ClinicId);
            var already = sent[chain].GetValueOrDefault(recipient.PatientId) ?? [];
            if (already.Count(at => at >= now.AddDays(-7)) >= settings.MaxPerWeek || already.Count >= settings.MaxPerMonth)
            {
                Cancel(recipient, ExclusionReasons.FrequencyCap);
                continue;
            }

            db.Publish(Message(recipient, plan, consent, addressees.GetValueOrDefault((recipient.ClinicId, recipient.PatientId)), card, zone, now), time);
            recipient.State = RecipientStates.Sent;
            recipient.SentAt = now;
            recipient.ConsentSequence = consent.Sequence;
            recipient.ConsentChangedAt = consent.ChangedAt;
            sent[chain][recipient.PatientId] = [.. already, now];
            dispatched++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (dispatched > 0)
        {
            LogDispatched(logger, dispatched, handled - dispatched);
        }

        return handled;
    }

    /// <summary>
    /// Campaigns that are done: a running one with nothing planned is completed; a running or paused one past its end
    /// has its planned messages cancelled (<c>campaign_ended</c>) and is completed.
    /// </summary>
    public async Task<int> FinishAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
        var now = time.GetUtcNow();
        var open = await db.Campaigns.Where(c => c.Status == CampaignStatuses.Running || c.Status == CampaignStatuses.Paused).ToListAsync(cancellationToken);
        var finished = 0;
        foreach (var campaign in open)
        {
            var plan = CampaignStore.Read(campaign).Plan();
            var ended = now > plan.EndAt;
            // A journey has no recipients of its own: it ends with its end, never for having nothing planned.
            if (!ended && (campaign.Status != CampaignStatuses.Running || campaign.Kind == CampaignKinds.Journey
                           || await db.CampaignRecipients.AnyAsync(r => r.CampaignId == campaign.Id && r.State == RecipientStates.Planned, cancellationToken)))
            {
                continue;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var cancelled = await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.State == RecipientStates.Planned)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.State, RecipientStates.Cancelled)
                    .SetProperty(r => r.Reason, ExclusionReasons.CampaignEnded)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken);
            campaign.Status = CampaignStatuses.Completed;
            campaign.UpdatedAt = now;
            campaign.Revision++;
            db.CampaignAudit.Add(new CampaignAuditEntry
            {
                CampaignId = campaign.Id, At = now, Actor = Actor, Action = CampaignActions.Completed,
                Detail = ended ? $"срок рассылки истёк; отменено: {cancelled}" : "всё запланированное отправлено",
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                finished++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // A person paused or stopped it meanwhile: theirs stands; the next pass looks again.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }

        return finished;
    }

    private static ComposeMessage Message(
        CampaignRecipient recipient, CampaignPlan plan, ChannelConsent consent, Addressee? addressee, ClinicCard? card, TimeZoneInfo zone, DateTimeOffset now)
    {
        var email = recipient.Channel == Contracts.Channels.Email ? consent.Contact : null;
        var phone = recipient.Channel == Contracts.Channels.Email ? null : consent.Contact;
        var windowCloses = SendWindow.Closes(now, plan.WindowFrom, plan.WindowTo, zone);
        var model = CampaignModel.For(recipient.ClinicId, addressee, card);
        return new ComposeMessage(
            recipient.MessageId,
            recipient.Group == CampaignGroups.B ? plan.TemplateKeyB! : plan.TemplateKey,
            Purposes.Marketing,
            [recipient.Channel!],
            new MessageRecipient(recipient.ClinicId, recipient.PatientId, phone, email, null, addressee?.TimeZone ?? zone.Id),
            "ru",
            model,
            null,
            null,
            now,
            (windowCloses < plan.EndAt ? windowCloses : plan.EndAt).ToUniversalTime());
    }

    private static void Cancel(CampaignRecipient recipient, string reason)
    {
        recipient.State = RecipientStates.Cancelled;
        recipient.Reason = reason;
    }

    private string Subject(CampaignRecipient r) => $"marketing:{audienceOptions.CurrentValue.ScopeIdOf(r.ClinicId)}:{r.PatientId}";

    private static TimeZoneInfo ZoneOf(string? told, CampaignOptions settings) =>
        told is not null && TimeZoneInfo.TryFindSystemTimeZoneById(told, out var zone) ? zone : TimeZoneInfo.FindSystemTimeZoneById(settings.DefaultTimeZone);

    private sealed class LockRow
    {
        public string Subject { get; set; } = "";

        public bool Locked { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign messages sent on their way: {Dispatched}; held back or cancelled: {Other}")]
    private static partial void LogDispatched(ILogger logger, int dispatched, int other);

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass of the campaign dispatcher failed; the next one tries again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
