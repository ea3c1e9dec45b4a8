using System.Text.Json;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.StaffAccounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>Campaigns as rows: made, edited while drafts, read with their audit log and their recipients' counts.</summary>
public sealed class CampaignStore(AudienceDbContext db, IOptionsMonitor<AudienceOptions> options, TimeProvider time)
{
    public static CampaignDefinition Read(Campaign campaign) =>
        JsonSerializer.Deserialize<CampaignDefinition>(campaign.Definition, CampaignDefinition.Json)
        ?? throw new InvalidOperationException($"Campaign {campaign.Id} has no definition.");

    /// <summary>A copy to change (a journey's batch gets its day's start and end).</summary>
    public static CampaignDefinition Copy(CampaignDefinition definition) =>
        JsonSerializer.Deserialize<CampaignDefinition>(JsonSerializer.Serialize(definition, CampaignDefinition.Json), CampaignDefinition.Json)!;

    public async Task<CampaignView> CreateAsync(CampaignDefinition definition, string author, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plan = definition.Plan();
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(now),
            ScopeId = options.CurrentValue.ScopeIdOf(plan.ClinicIds[0]),
            Name = plan.Name,
            Status = CampaignStatuses.Draft,
            Definition = JsonSerializer.Serialize(definition, CampaignDefinition.Json),
            CreatedBy = author,
            CreatedAt = now,
            UpdatedAt = now,
            Revision = 1,
            Kind = definition.Journey is null ? CampaignKinds.Campaign : CampaignKinds.Journey,
        };
        db.Campaigns.Add(campaign);
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = campaign.Id, At = now, Actor = author, Action = CampaignActions.Created });
        await db.SaveChangesAsync(cancellationToken);
        return (await ViewAsync(campaign.Id, cancellationToken))!;
    }

    public async Task<(CampaignView? View, ProblemHttpResult? Problem)> EditAsync(
        Guid id, CampaignDefinition definition, int? expected, StaffUser editor, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.FindAsync([id], cancellationToken);
        if (campaign is null || !Sees(editor, campaign))
        {
            return (null, CampaignsApi.NotFound(id));
        }

        if (expected is { } revision && revision != campaign.Revision)
        {
            return (await ViewAsync(id, cancellationToken), TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
                title: "Рассылку изменили, пока вы её правили",
                detail: $"If-Match was \"{revision}\", the campaign is now at revision \"{campaign.Revision}\". Read it again and reapply your change."));
        }

        if (campaign.Status != CampaignStatuses.Draft)
        {
            return (await ViewAsync(id, cancellationToken), TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Запущенную рассылку не изменить",
                detail: $"The campaign is {campaign.Status}: only a draft is edited. Stop it and make a new one."));
        }

        var now = time.GetUtcNow();
        var plan = definition.Plan();
        campaign.Name = plan.Name;
        campaign.ScopeId = options.CurrentValue.ScopeIdOf(plan.ClinicIds[0]);
        campaign.Definition = JsonSerializer.Serialize(definition, CampaignDefinition.Json);
        campaign.Kind = definition.Journey is null ? CampaignKinds.Campaign : CampaignKinds.Journey;
        campaign.UpdatedAt = now;
        campaign.Revision++;
        db.CampaignAudit.Add(new CampaignAuditEntry { CampaignId = id, At = now, Actor = editor.Name, Action = CampaignActions.Edited });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return (await ViewAsync(id, cancellationToken), TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
                title: "Рассылку изменили, пока вы её правили", detail: "Someone changed the campaign at the same moment. Read it again and reapply your change."));
        }

        return (await ViewAsync(id, cancellationToken), null);
    }

    /// <summary>Whether every clinic of the campaign is one of the person's: otherwise they neither see nor touch it.</summary>
    public static bool Sees(StaffUser staff, Campaign campaign) => Read(campaign).ClinicIds!.All(staff.MaySee);

    /// <summary>The campaign as <see cref="ViewAsync"/> gives it, or null when there is none the person sees.</summary>
    public async Task<CampaignView?> VisibleViewAsync(Guid id, StaffUser staff, CancellationToken cancellationToken) =>
        await ViewAsync(id, cancellationToken) is { } view && view.Definition.ClinicIds!.All(staff.MaySee) ? view : null;

    public async Task<CampaignView?> ViewAsync(Guid id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var audit = await db.CampaignAudit.AsNoTracking().Where(a => a.CampaignId == id).OrderBy(a => a.Id)
            .Select(a => new AuditView(a.At, a.Actor, a.Action, a.Detail)).ToListAsync(cancellationToken);
        var counts = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id).GroupBy(r => r.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return new CampaignView(campaign.Id, campaign.Name, campaign.Kind, campaign.ParentId, campaign.BatchDay, campaign.Status, Read(campaign),
            campaign.CreatedBy, campaign.CreatedAt, campaign.ApprovedBy, campaign.ApprovedAt, campaign.LaunchedAt, campaign.UpdatedAt, campaign.Revision, counts, audit);
    }
}
