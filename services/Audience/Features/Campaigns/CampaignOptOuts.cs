using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.Campaigns;

/// <summary>A patient's withdrawn marketing consent stops their campaign messages that are still to go, at once.</summary>
public static class CampaignOptOuts
{
    /// <summary>Every planned campaign message of the patient becomes <c>cancelled</c> (reason <c>opted_out</c>); the sent ones stay as they went.</summary>
    public static Task<int> CancelPlannedAsync(AudienceDbContext db, string clinicId, string patientId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.CampaignRecipients
            .Where(r => r.ClinicId == clinicId && r.PatientId == patientId && r.State == RecipientStates.Planned)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(r => r.State, RecipientStates.Cancelled)
                    .SetProperty(r => r.Reason, ExclusionReasons.OptedOut)
                    .SetProperty(r => r.UpdatedAt, now),
                cancellationToken);
}
