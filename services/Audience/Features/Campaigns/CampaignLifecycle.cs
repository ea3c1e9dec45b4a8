using System.Globalization;
using Comms.Audience.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// A campaign's life: previewed as a draft; approved and launched at once by an approver who did not make it (its
/// recipients frozen then, each with the consent record they are written to under); paused, resumed, stopped.
/// Every step is in the audit log with who took it.
/// </summary>
public sealed partial class CampaignLifecycle(
    AudienceDbContext db, CampaignStore store, CampaignAudience audience, CampaignRenderingPreview rendering, IOptionsMonitor<CampaignOptions> options,
    TimeProvider time, ILogger<CampaignLifecycle> logger)
{
    private const string NotFoundTitle = "Нет такой рассылки";

    public async Task<Outcome<CampaignPreview>> PreviewAsync(Guid id, StaffUser staff, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null || !CampaignStore.Sees(staff, campaign))
        {
            return Outcome<CampaignPreview>.Refused(StatusCodes.Status404NotFound, NotFoundTitle, $"No campaign {id} among those you see.");
        }

        var plan = CampaignStore.Read(campaign).Plan();
        var now = time.GetUtcNow();
        var selection = campaign.Kind switch
        {
            CampaignKinds.Journey => await audience.SelectAsync(id, plan, now, cancellationToken, journey: id),
            CampaignKinds.Batch => await audience.SelectAsync(campaign.ParentId!.Value, plan, now, cancellationToken, journey: campaign.ParentId),
            _ => await audience.SelectAsync(id, plan, now, cancellationToken),
        };
        var (texts, cost) = await rendering.RenderAsync(plan, [.. selection.Members.Where(m => m.State == RecipientStates.Planned)], cancellationToken);
        return Outcome<CampaignPreview>.Ok(CampaignPreview.Of(selection, options.CurrentValue.PreviewSample, texts, cost));
    }

    public async Task<Outcome<CampaignView>> LaunchAsync(Guid id, StaffUser approver, int? expected, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE \"Id\" = {id} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        if (campaign is null || !CampaignStore.Sees(approver, campaign))
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status404NotFound, NotFoundTitle, $"No campaign {id} among those you see.");
        }

        if (!approver.Is(StaffRoles.Approver))
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status403Forbidden, "Запускает утверждающий",
                "A campaign is approved and launched by a person with the role approver (38-ФЗ ст. 18 ч. 2).");
        }

        if (string.Equals(campaign.CreatedBy, approver.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status403Forbidden, "Свою рассылку не утвердить",
                "Nobody approves their own campaign: another person with the role approver launches it.");
        }

        if (expected is { } revision && revision != campaign.Revision)
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status412PreconditionFailed, "Рассылку изменили, пока вы её смотрели",
                $"If-Match was \"{revision}\", the campaign is now at revision \"{campaign.Revision}\". Preview it again before launching.");
        }

        if (campaign.Status != CampaignStatuses.Draft)
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status409Conflict, "Рассылка уже запущена", $"The campaign is {campaign.Status}; only a draft is launched.");
        }

        var now = time.GetUtcNow();
        if (campaign.Kind == CampaignKinds.Journey)
        {
            // Approved once: its batches are made every day under this approval (JourneyRunner), none now.
            MarkLaunched(campaign, approver, now, "сценарий запущен: партия каждый день по его правилу");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<CampaignView>.Ok((await store.ViewAsync(id, cancellationToken))!);
        }

        var plan = CampaignStore.Read(campaign).Plan();
        if (plan.EndAt <= now)
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status409Conflict, "Срок рассылки уже прошёл",
                $"The campaign was to end at {plan.EndAt:yyyy-MM-dd HH:mm zzz}; set a later end and launch it then.");
        }

        var selection = await audience.SelectAsync(id, plan, now, cancellationToken);
        await FreezeAsync(id, selection.Members, now, cancellationToken);

        var counts = selection.Members.GroupBy(m => m.State).ToDictionary(g => g.Key, g => g.Count());
        MarkLaunched(campaign, approver, now,
            string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{RecipientStates.Title(c.Key)}: {c.Value.ToString(CultureInfo.InvariantCulture)}")));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogLaunched(logger, id, selection.Members.Count);
        return Outcome<CampaignView>.Ok((await store.ViewAsync(id, cancellationToken))!);
    }

    public async Task<Outcome<CampaignView>> ActAsync(Guid id, StaffUser staff, string action, int? expected, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE \"Id\" = {id} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        if (campaign is null || !CampaignStore.Sees(staff, campaign))
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status404NotFound, NotFoundTitle, $"No campaign {id} among those you see.");
        }

        var mayAct = staff.Is(StaffRoles.Approver)
            || (action == CampaignActions.Stopped && staff.Is(StaffRoles.Marketer) && string.Equals(campaign.CreatedBy, staff.Name, StringComparison.OrdinalIgnoreCase));
        if (!mayAct)
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status403Forbidden, "Недостаточно прав",
                action == CampaignActions.Stopped
                    ? "A campaign is stopped by a person with the role approver, or by the marketer who made it."
                    : "A campaign is paused and resumed by a person with the role approver.");
        }

        if (expected is { } revision && revision != campaign.Revision)
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status412PreconditionFailed, "Рассылку изменили, пока вы её смотрели",
                $"If-Match was \"{revision}\", the campaign is now at revision \"{campaign.Revision}\".");
        }

        var (from, to) = action switch
        {
            CampaignActions.Paused => ((string[])[CampaignStatuses.Running], CampaignStatuses.Paused),
            CampaignActions.Resumed => ([CampaignStatuses.Paused], CampaignStatuses.Running),
            _ => ([CampaignStatuses.Draft, CampaignStatuses.Running, CampaignStatuses.Paused], CampaignStatuses.Stopped),
        };
        if (!from.Contains(campaign.Status))
        {
            return Outcome<CampaignView>.Refused(StatusCodes.Status409Conflict, "Так с рассылкой сейчас нельзя",
                $"The campaign is {campaign.Status}; '{action}' needs it {string.Join(" or ", from)}.");
        }

        var now = time.GetUtcNow();
        campaign.Status = to;
        campaign.UpdatedAt = now;
        campaign.Revision++;
        string? detail = null;
        if (campaign.Kind == CampaignKinds.Journey)
        {
            // A journey's step applies to its batches too: today's stops with it.
            var batches = await db.Campaigns.Where(c => c.ParentId == id && from.Contains(c.Status)).ToListAsync(cancellationToken);
            foreach (var batch in batches)
            {
                batch.Status = to;
                batch.UpdatedAt = now;
                batch.Revision++;
                db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = batch.Id, At = now, Actor = staff.Name, Action = action, Detail = "вместе со сценарием" });
            }

            var batchIds = batches.Select(b => b.Id).ToArray();
            if (to == CampaignStatuses.Stopped && batchIds.Length > 0)
            {
                await db.CampaignRecipients.Where(r => batchIds.Contains(r.CampaignId) && r.State == RecipientStates.Planned)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(r => r.State, RecipientStates.Cancelled)
                        .SetProperty(r => r.Reason, ExclusionReasons.CampaignStopped)
                        .SetProperty(r => r.UpdatedAt, now), cancellationToken);
            }
        }

        if (to == CampaignStatuses.Stopped)
        {
            var cancelled = await db.CampaignRecipients.Where(r => r.CampaignId == id && r.State == RecipientStates.Planned)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.State, RecipientStates.Cancelled)
                    .SetProperty(r => r.Reason, ExclusionReasons.CampaignStopped)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken);
            detail = $"отменено: {cancelled.ToString(CultureInfo.InvariantCulture)}";
        }

        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = id, At = now, Actor = staff.Name, Action = action, Detail = detail });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome<CampaignView>.Ok((await store.ViewAsync(id, cancellationToken))!);
    }

    /// <summary>Running from now, approved and launched by <paramref name="approver"/>: both steps in the audit log.</summary>
    private void MarkLaunched(Campaign campaign, StaffUser approver, DateTimeOffset now, string detail)
    {
        campaign.Status = CampaignStatuses.Running;
        campaign.ApprovedBy = approver.Name;
        campaign.ApprovedAt = now;
        campaign.LaunchedAt = now;
        campaign.UpdatedAt = now;
        campaign.Revision++;
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = campaign.Id, At = now, Actor = approver.Name, Action = CampaignActions.Approved });
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = campaign.Id, At = now, Actor = approver.Name, Action = CampaignActions.Launched, Detail = detail });
    }

    /// <summary>
    /// A journey's batch for the day of <paramref name="now"/> in its clinic's zone, made under the journey's approval:
    /// the day's audience by the journey's rule, sent within the day's window (what does not fit is left for the next
    /// day). Only those planned and held out are frozen; who was left out and why is counted in the audit log. Null
    /// when the journey is not running, the day's window has closed, or the day's batch exists (another replica).
    /// </summary>
    public async Task<Guid?> MakeBatchAsync(Guid journeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var journey = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE \"Id\" = {journeyId} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        if (journey is not { Kind: CampaignKinds.Journey, Status: CampaignStatuses.Running })
        {
            return null;
        }

        var definition = CampaignStore.Read(journey);
        var plan = definition.Plan();
        var zone = await CampaignAudience.ZoneAsync(db, plan.ClinicIds[0], options.CurrentValue, cancellationToken);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var closes = SendWindow.Closes(now, plan.WindowFrom, plan.WindowTo, zone);
        if (now < plan.StartAt || now >= plan.EndAt || now >= closes
            || await db.Campaigns.AnyAsync(c => c.ParentId == journeyId && c.BatchDay == day, cancellationToken))
        {
            return null;
        }

        var batchDefinition = CampaignStore.Copy(definition);
        batchDefinition.Name = $"{plan.Name} — {day:dd.MM.yyyy}";
        batchDefinition.StartAt = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        batchDefinition.EndAt = (closes < plan.EndAt ? closes : plan.EndAt).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        var batchPlan = batchDefinition.Plan();
        var selection = await audience.SelectAsync(journeyId, batchPlan, now, cancellationToken, journey: journeyId);
        var batch = new Campaign
        {
            Id = Guid.CreateVersion7(now),
            ScopeId = journey.ScopeId,
            Name = batchPlan.Name.Length > CampaignDefinition.MaxNameLength ? batchPlan.Name[..CampaignDefinition.MaxNameLength] : batchPlan.Name,
            Status = CampaignStatuses.Running,
            Definition = System.Text.Json.JsonSerializer.Serialize(batchDefinition, CampaignDefinition.Json),
            CreatedBy = JourneyRunner.Actor,
            CreatedAt = now,
            ApprovedBy = journey.ApprovedBy,
            ApprovedAt = journey.ApprovedAt,
            LaunchedAt = now,
            UpdatedAt = now,
            Revision = 1,
            Kind = CampaignKinds.Batch,
            ParentId = journeyId,
            BatchDay = day,
        };
        db.Campaigns.Add(batch);
        var counts = selection.Members.GroupBy(m => m.Reason ?? m.State).ToDictionary(g => g.Key, g => g.Count());
        var detail = $"{day:dd.MM.yyyy}: " + (counts.Count == 0 ? "никого" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{(ExclusionReasons.All.Contains(c.Key) ? ExclusionReasons.Title(c.Key) : RecipientStates.Title(c.Key))}: {c.Value.ToString(CultureInfo.InvariantCulture)}")));
        db.CampaignAudit.Add(new CampaignAuditEntry
        {
            CampaignId = batch.Id, At = now, Actor = JourneyRunner.Actor, Action = CampaignActions.Created,
            Detail = $"партия сценария, утверждённого {journey.ApprovedBy}",
        });
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = batch.Id, At = now, Actor = JourneyRunner.Actor, Action = CampaignActions.Launched, Detail = detail });
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = journeyId, At = now, Actor = JourneyRunner.Actor, Action = CampaignActions.BatchMade, Detail = detail });
        await db.SaveChangesAsync(cancellationToken);
        await FreezeAsync(batch.Id, selection.Members.Where(m => m.State is RecipientStates.Planned or RecipientStates.HeldOut), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Id;
    }

    /// <summary>The recipient list as it is at launch, written in one binary COPY (a chain's 200 000 patients in seconds).</summary>
    private async Task FreezeAsync(Guid id, IEnumerable<AudienceMember> members, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY campaign_recipients ("CampaignId", "ClinicId", "PatientId", "Group", "State", "Reason", "Channel", "ConsentSequence",
                "ConsentChangedAt", "MessageId", "DueAt", "SentAt", "UpdatedAt") FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var m in members)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(m.ClinicId, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(m.PatientId, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(m.Group, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(m.State, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(writer, m.Reason, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(writer, m.Channel, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(writer, m.ConsentSequence, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(writer, m.ConsentChangedAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(Guid.CreateVersion7(m.DueAt), NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(m.DueAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteNullAsync(cancellationToken);
            await writer.WriteAsync(now.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} launched with {Members} patients in its audience")]
    private static partial void LogLaunched(ILogger logger, Guid campaignId, int members);
}

/// <summary>What a campaign would reach now.</summary>
/// <param name="Audience">The patients the segments and filters give.</param>
/// <param name="Recipients">Those it will send to (both variants), before its end.</param>
/// <param name="ConsentByChannel">Of the audience, those with a granted marketing consent (and its contact) per channel.</param>
/// <param name="ByChannel">Of the recipients, by the channel each gets it on.</param>
/// <param name="Excluded">Those who get nothing, by reason (the holdout apart).</param>
/// <param name="Texts">A few recipients' messages per variant and channel, as Templating renders them (the sample name in place of theirs).</param>
/// <param name="Cost">The SMS cost, estimated from the texts' parts.</param>
public sealed record CampaignPreview(
    int Audience,
    int Recipients,
    int VariantA,
    int VariantB,
    int Holdout,
    IReadOnlyDictionary<string, int> ConsentByChannel,
    IReadOnlyDictionary<string, int> ByChannel,
    IReadOnlyList<ExclusionCount> Excluded,
    DateTimeOffset? FirstAt,
    DateTimeOffset? LastAt,
    string TimeZone,
    IReadOnlyList<SampleRecipient> Sample,
    IReadOnlyList<RenderedSample> Texts,
    PreviewCost Cost)
{
    public static CampaignPreview Of(AudienceSelection selection, int sampleSize, IReadOnlyList<RenderedSample> texts, PreviewCost cost)
    {
        var members = selection.Members;
        var sending = members.Where(m => m.State == RecipientStates.Planned).ToList();
        return new CampaignPreview(
            members.Count,
            sending.Count,
            sending.Count(m => m.Group == CampaignGroups.A),
            sending.Count(m => m.Group == CampaignGroups.B),
            members.Count(m => m.Group == CampaignGroups.Holdout),
            selection.ConsentByChannel,
            sending.GroupBy(m => m.Channel!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            [.. members.Where(m => m.Reason is not null).GroupBy(m => m.Reason!).OrderBy(g => ExclusionReasons.All.ToList().IndexOf(g.Key))
                .Select(g => new ExclusionCount(g.Key, ExclusionReasons.Title(g.Key), g.Count()))],
            sending.Count > 0 ? sending.Min(m => m.DueAt) : null,
            sending.Count > 0 ? sending.Max(m => m.DueAt) : null,
            selection.TimeZone,
            [.. sending.Take(sampleSize).Select(m => new SampleRecipient(m.ClinicId, m.PatientId, m.Group, m.Channel!, m.DueAt))],
            texts,
            cost);
    }
}

public sealed record ExclusionCount(string Reason, string Title, int Count);

public sealed record SampleRecipient(string ClinicId, string PatientId, string Group, string Channel, DateTimeOffset DueAt);
