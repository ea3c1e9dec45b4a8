using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Consent.Features.Mis;

/// <summary>
/// Records a <c>patient.consent_changed</c> CloudEvent from the MIS in the ledger. An invalid event is rejected with
/// every bad field named (→ consent-mis-events_error, header MT-Fault-Message); a redelivered event ("source|id" seen
/// before) changes nothing. The record, the inbox row and the ConsentChanged it causes commit in one transaction.
/// </summary>
public sealed partial class MisConsentEventConsumer(
    ConsentDbContext db,
    ConsentLedger ledger,
    TimeProvider time,
    ILogger<MisConsentEventConsumer> logger) : IConsumer<RawMisEvent>
{
    public async Task Consume(ConsumeContext<RawMisEvent> context)
    {
        var result = context.ReadMisEvent();
        if (!result.IsValid)
        {
            throw new MessageRejectedException(result.Describe());
        }

        var evt = result.Event!;
        if (evt.Data is not ConsentChangedData data)
        {
            throw new MessageRejectedException(
                $"type: '{evt.Type}' is not a consent event; this queue takes {MisEventTypes.PatientConsentChanged} only");
        }

        var (contact, kind) = ConsentInputs.ContactOf(data);
        if (ConsentInputs.ContactMismatch(kind, data.Channel) is { } mismatch)
        {
            throw new MessageRejectedException($"data.{mismatch.Field}: {mismatch.Message}");
        }

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Two copies of one event handled at once (a resent event, two replicas) take turns: the second finds the
            // first's inbox row and is skipped, instead of failing on it at commit.
            await db.LockSubjectAsync(MisEventSubject.SubjectOf(evt), cancellationToken);
            if (!await db.TryBeginAsync(evt.Key, context, time))
            {
                LogDuplicate(logger, evt.Source, evt.Id);
                return;
            }

            var now = time.GetUtcNow();
            var record = new ConsentRecord
            {
                ClinicId = data.ClinicId,
                PatientId = data.PatientId,
                Contact = contact,
                ContactKind = kind,
                Channel = data.Channel,
                Purpose = data.Purpose,
                Granted = data.Granted,
                Method = data.Method,
                Source = $"mis:{evt.Source}",
                SourceEventKey = evt.Key,
                DocumentRef = data.DocumentRef,
                CapturedAt = (data.CapturedAt ?? evt.Time ?? now).ToUniversalTime(),
                CapturedBy = data.CapturedBy,
                RecordedAt = now,
            };
            var outcome = await ledger.AppendAsync(record, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (outcome.Appended.Count == 0)
            {
                LogDuplicate(logger, evt.Source, evt.Id);
                return;
            }

            LogRecorded(logger, record.Id, ContactNormalizer.Mask(contact), record.Channel, record.Purpose, record.Granted,
                record.Effective, outcome.StateOf(record).Record.Granted, evt.Source, evt.Id);
        }
        catch
        {
            // A retry starts from a clean slate, not from this attempt's half-tracked changes.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Consent record {RecordId} for {Contact} {Channel}/{Purpose} granted={Granted} effective={Effective} (current state granted={CurrentGranted}) from {Source} event {EventId}")]
    private static partial void LogRecorded(
        ILogger logger, long recordId, string contact, string channel, string purpose, bool granted, bool effective, bool currentGranted, string source, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "MIS event {Source} {EventId} was recorded before; skipped")]
    private static partial void LogDuplicate(ILogger logger, string source, string eventId);
}
