using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.Consent.Features.OptOuts;

/// <summary>
/// Records a patient's own opt-out that a gateway received ("СТОП" reply, unsubscribe link, carrier stop-list): one
/// revocation per purpose refused, with the gateway's evidence, and the resulting ConsentChanged (and
/// <c>consent.changed</c> for the MIS) through the outbox. The inbox filter drops a redelivered message; the
/// SourceEventKey "optout:&lt;id&gt;|&lt;purpose&gt;" drops a republished one.
/// </summary>
public sealed partial class OptOutReceivedConsumer(
    ConsentDbContext db,
    ConsentLedger ledger,
    TimeProvider time,
    ILogger<OptOutReceivedConsumer> logger) : IConsumer<OptOutReceived>
{
    public const int MaxEvidenceLength = 2000;

    public async Task Consume(ConsumeContext<OptOutReceived> context)
    {
        var optOut = context.Message;
        var (contact, kind) = Validate(optOut);

        var now = time.GetUtcNow();
        var records = optOut.Purposes.Distinct().Order(StringComparer.Ordinal).Select(purpose => new ConsentRecord
        {
            ClinicId = optOut.ClinicId,
            PatientId = optOut.PatientId,
            Contact = contact,
            ContactKind = kind,
            Channel = optOut.Channel,
            Purpose = purpose,
            Granted = false,
            Method = optOut.Method,
            Source = $"gateway:{optOut.Channel}",
            SourceEventKey = $"optout:{optOut.OptOutId}|{purpose}",
            Evidence = optOut.Evidence.Length > MaxEvidenceLength ? optOut.Evidence[..MaxEvidenceLength] : optOut.Evidence,
            RelatedMessageId = optOut.InReplyToMessageId,
            CapturedAt = optOut.ReceivedAt.ToUniversalTime(),
            RecordedAt = now,
        }).ToList();

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var outcome = await ledger.AppendAsync(records, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogRecorded(logger, optOut.OptOutId, ContactNormalizer.Mask(contact), optOut.Channel, optOut.Method,
                string.Join(",", outcome.Appended.Select(r => r.Purpose)), outcome.Duplicates.Count);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>A malformed opt-out is a gateway bug: it goes to the error queue with the reason, not into the ledger.</summary>
    private static (string Contact, string Kind) Validate(OptOutReceived optOut)
    {
        var problems = new List<string>();
        if (!Channels.All.Contains(optOut.Channel))
        {
            problems.Add($"Channel: must be one of {string.Join(", ", Channels.All)}");
        }

        if (optOut.Purposes is not { Count: > 0 } || optOut.Purposes.Any(p => !Purposes.All.Contains(p)))
        {
            problems.Add($"Purposes: must list one or more of {string.Join(", ", Purposes.All)}");
        }

        if (!ConsentRules.PatientOptOutMethods.Contains(optOut.Method))
        {
            problems.Add($"Method: must be one of {string.Join(", ", ConsentRules.PatientOptOutMethods)}");
        }

        if (string.IsNullOrWhiteSpace(optOut.Evidence))
        {
            problems.Add("Evidence: is required (what was received: the reply text, the provider's code, the link used)");
        }

        var contact = "";
        var kind = "";
        if (optOut.Channel == Channels.Max && ContactNormalizer.TryNormalizeMessengerId(optOut.Contact, out var maxUserId))
        {
            // A MAX user id is digits; some would also parse as a phone number.
            (contact, kind) = (maxUserId, ContactKinds.Messenger);
        }
        else if (ContactNormalizer.TryNormalizePhone(optOut.Contact, out var phone))
        {
            (contact, kind) = (phone, ContactKinds.Phone);
        }
        else if (ContactNormalizer.TryNormalizeEmail(optOut.Contact, out var email))
        {
            (contact, kind) = (email, ContactKinds.Email);
        }
        else if (optOut.Channel is Channels.WhatsApp or Channels.Max && !string.IsNullOrWhiteSpace(optOut.Contact) && optOut.Contact.Length <= 254)
        {
            (contact, kind) = (optOut.Contact.Trim(), ContactKinds.Messenger);
        }
        else
        {
            problems.Add("Contact: must be an E.164 phone number or an email address (or a messenger id on whatsapp/max)");
        }

        if (kind.Length > 0 && ConsentInputs.ContactMismatch(kind, optOut.Channel) is { } mismatch)
        {
            problems.Add($"Contact: {mismatch.Message}");
        }

        if (problems.Count > 0)
        {
            throw new MessageRejectedException($"OptOutReceived {optOut.OptOutId} is invalid: {string.Join("; ", problems)}");
        }

        return (contact, kind);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Opt-out {OptOutId} of {Contact} on {Channel} ({Method}) recorded for purposes [{Purposes}]; {Duplicates} already recorded")]
    private static partial void LogRecorded(ILogger logger, Guid optOutId, string contact, string channel, string method, string purposes, int duplicates);
}
