using Comms.Audience.Features.Campaigns;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.Contracts.Consent;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Audience.Features.Channels;

/// <summary>
/// The Consent service's <see cref="ConsentChanged"/>: on which channels, for which purposes, a patient may be written
/// to — for the portrait's preferred channel, and for campaigns, which write to the contact the ledger's record names.
/// Keeps the latest change per patient, channel and purpose by the ledger's sequence (a change arriving late, or twice,
/// changes nothing). A consent recorded for a contact without a clinic's patient (an opt-out by reply from an unknown
/// number) has no patient to describe and is not kept. A marketing consent withdrawn cancels at once every campaign
/// message still planned for the patient, on every channel.
/// </summary>
public sealed class ConsentFactsConsumer(AudienceDbContext db, TimeProvider time) : IConsumer<ConsentChanged>
{
    public async Task Consume(ConsumeContext<ConsentChanged> context)
    {
        var m = context.Message;
        if (string.IsNullOrWhiteSpace(m.ClinicId) || string.IsNullOrWhiteSpace(m.PatientId))
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync($"consent:{m.ClinicId}:{m.PatientId}:{m.Channel}:{m.Purpose}", cancellationToken);
        var consent = await db.ChannelConsents.FindAsync([m.ClinicId, m.PatientId, m.Channel, m.Purpose], cancellationToken);
        if (consent is null)
        {
            consent = new ChannelConsent { ClinicId = m.ClinicId, PatientId = m.PatientId, Channel = m.Channel, Purpose = m.Purpose };
            db.ChannelConsents.Add(consent);
        }
        else if (consent.Sequence >= m.Sequence)
        {
            return;
        }

        consent.Granted = m.Granted;
        consent.Sequence = m.Sequence;
        consent.ChangedAt = m.RecordedAt.ToUniversalTime();
        consent.Contact = m.Contact;
        consent.Method = m.Method;
        await db.SaveChangesAsync(cancellationToken);
        if (!m.Granted && m.Purpose == Purposes.Marketing)
        {
            await CampaignOptOuts.CancelPlannedAsync(db, m.ClinicId, m.PatientId, time.GetUtcNow(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
