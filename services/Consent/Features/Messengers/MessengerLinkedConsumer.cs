using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.Contracts.Mis;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.Consent.Features.Messengers;

/// <summary>
/// Records the consent a patient gave by linking a messenger account: they opened their personal link to the clinic's
/// bot and wrote to it, which identifies them and shows their will to receive the clinic's messages there (126-ФЗ
/// ст. 44.1). One grant for (messenger id, channel, service), method <c>messenger_link</c>, with the gateway's evidence
/// and the link as its document reference — a new link is new evidence, so a patient who sent "СТОП" can come back by
/// linking again. The inbox filter drops a redelivered message; SourceEventKey "link:&lt;id&gt;" a republished one.
/// </summary>
public sealed partial class MessengerLinkedConsumer(
    ConsentDbContext db,
    ConsentLedger ledger,
    TimeProvider time,
    ILogger<MessengerLinkedConsumer> logger) : IConsumer<MessengerLinked>
{
    public const string Method = ConsentMethods.MessengerLink;

    public async Task Consume(ConsumeContext<MessengerLinked> context)
    {
        var linked = context.Message;
        if (linked.Channel != Channels.Max || !ContactNormalizer.TryNormalizeMessengerId(linked.MessengerId, out var messengerId) ||
            string.IsNullOrWhiteSpace(linked.ClinicId) || string.IsNullOrWhiteSpace(linked.PatientId) || string.IsNullOrWhiteSpace(linked.Evidence))
        {
            throw new MessageRejectedException(
                $"MessengerLinked {linked.LinkId} is invalid: channel must be max, messengerId a MAX user id, and clinicId, patientId and evidence given");
        }

        var record = new ConsentRecord
        {
            ClinicId = linked.ClinicId,
            PatientId = linked.PatientId,
            Contact = messengerId,
            ContactKind = ContactKinds.Messenger,
            Channel = linked.Channel,
            Purpose = Purposes.Service,
            Granted = true,
            Method = Method,
            Source = $"gateway:{linked.Channel}",
            SourceEventKey = $"link:{linked.LinkId}",
            DocumentRef = $"{linked.Channel}-link:{linked.LinkId}",
            Evidence = linked.Evidence.Length > 2000 ? linked.Evidence[..2000] : linked.Evidence,
            CapturedAt = linked.LinkedAt.ToUniversalTime(),
            RecordedAt = time.GetUtcNow(),
        };

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var outcome = await ledger.AppendAsync(record, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogRecorded(logger, linked.LinkId, linked.Channel, linked.ClinicId, outcome.Duplicates.Count > 0);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Messenger link {LinkId} on {Channel} at clinic {ClinicId} recorded as a service consent (duplicate: {Duplicate})")]
    private static partial void LogRecorded(ILogger logger, Guid linkId, string channel, string clinicId, bool duplicate);
}
