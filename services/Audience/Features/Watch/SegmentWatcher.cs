using System.Text.Json;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.Contracts.Audience;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Watch;

/// <summary>
/// Tells the MIS when a patient moves: every <c>Audience:Watch:Interval</c> each clinic's (or chain's) patients are
/// brought up to date as of today (<see cref="AudienceScoring"/>), and each patient whose segment differs from the
/// one last told gets a move recorded and <c>audience.segment_changed</c> on <c>comms.events</c>; one who gains a churn
/// signal gets <c>audience.churn_risk</c>. A scope is watched by one replica at a time (an advisory lock), and its
/// moves, the patients' new segments and the events commit together, through the outbox.
/// </summary>
public sealed partial class SegmentWatcher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<AudienceOptions> options,
    ILogger<SegmentWatcher> logger) : BackgroundService
{
    public const string SegmentChanged = "audience.segment_changed";
    public const string ChurnRisk = ChurnSignals.EventType;

    private static readonly JsonSerializerOptions ReasonsJson = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WatchAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.Watch.Interval, time, stoppingToken);
        }
    }

    /// <summary>One pass over every scope; returns the moves told.</summary>
    public async Task<int> WatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        List<string> clinics;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
            clinics = await db.Visits.Select(v => v.ClinicId).Distinct().ToListAsync(cancellationToken);
        }

        var told = 0;
        foreach (var group in clinics.GroupBy(c => settings.ScopeIdOf(c)))
        {
            told += await WatchScopeAsync(group.First(), cancellationToken);
        }

        return told;
    }

    private async Task<int> WatchScopeAsync(string clinicId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var scopeId = settings.ScopeIdOf(clinicId);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
        var scoring = scope.ServiceProvider.GetRequiredService<AudienceScoring>();
        var events = scope.ServiceProvider.GetRequiredService<CommsCloudEvents>();

        var scores = await scoring.ScoreAsync(clinicId, today, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.TryLockSubjectAsync($"audience-watch:{scopeId}", cancellationToken))
        {
            return 0; // another replica is at it
        }

        var clinics = scores.Model.Clinics;
        var known = await db.PatientSegments.Where(s => clinics.Contains(s.ClinicId))
            .ToDictionaryAsync(s => (s.ClinicId, s.PatientId), cancellationToken);
        var now = time.GetUtcNow();
        var told = 0;
        foreach (var figures in scores.Patients.Values)
        {
            var signals = string.Join(',', figures.Signals.Select(s => s.Code));
            known.TryGetValue((figures.ClinicId, figures.PatientId), out var last);
            if (last is not null && last.Segment == figures.Segment && last.Signals == signals)
            {
                continue;
            }

            if (last is null || last.Segment != figures.Segment)
            {
                var reasons = JsonSerializer.Serialize(figures.Reasons, ReasonsJson);
                db.SegmentMoves.Add(new SegmentMove
                {
                    ClinicId = figures.ClinicId, PatientId = figures.PatientId, From = last?.Segment, To = figures.Segment,
                    On = today, Reasons = reasons, RecordedAt = now,
                });
                events.Publish(db, SegmentChanged, new
                {
                    clinicId = figures.ClinicId,
                    patientId = figures.PatientId,
                    from = last?.Segment,
                    to = figures.Segment,
                    title = Segments.Title(figures.Segment),
                    reasons = figures.Reasons,
                    ltv = figures.Ltv,
                    asOf = today,
                });
                told++;
            }

            var before = last?.Signals.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (figures.Signals.Any(s => !before.Contains(s.Code)))
            {
                events.Publish(db, ChurnRisk, new
                {
                    clinicId = figures.ClinicId,
                    patientId = figures.PatientId,
                    segment = figures.Segment,
                    signals = figures.Signals,
                    valueAtRisk = figures.ValueAtRisk,
                    ltv = figures.Ltv,
                    probabilityAlive = figures.Value?.ProbabilityAlive,
                    asOf = today,
                });
            }

            if (last is null)
            {
                db.PatientSegments.Add(new PatientSegment
                {
                    ClinicId = figures.ClinicId, PatientId = figures.PatientId, Segment = figures.Segment, Signals = signals, Since = today, UpdatedAt = now,
                });
            }
            else
            {
                last.Since = last.Segment == figures.Segment ? last.Since : today;
                last.Segment = figures.Segment;
                last.Signals = signals;
                last.UpdatedAt = now;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (told > 0)
        {
            LogTold(logger, told, scopeId);
        }

        return told;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} segment moves told for {Scope}")]
    private static partial void LogTold(ILogger logger, int count, string scope);

    [LoggerMessage(Level = LogLevel.Error, Message = "Segment watch pass failed; retrying on the next pass")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
