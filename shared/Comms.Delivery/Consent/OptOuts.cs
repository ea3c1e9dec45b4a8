using System.Globalization;
using System.Text;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Persistence;

namespace Comms.Delivery.Consent;

/// <summary>
/// A patient's own refusal, applied where it arrives: the gateway's projection is revoked in the same SaveChanges
/// that writes <see cref="OptOutReceived"/> to the outbox, so nothing is sent to that contact from this moment on,
/// before the ledger has even heard of it.
/// </summary>
/// <remarks>
/// Each projection row is written under its <see cref="ConsentState.LockSubject"/>, held from before the row is read
/// until the unit of work commits, as <see cref="ConsentChangedConsumer"/> holds it: a ledger announcement applied at
/// the same moment either committed before (and is overwritten here) or waits and then sees the opt-out. The lock is
/// taken in the caller's transaction when it has one, else in one begun here that the caller's next SaveChanges
/// commits (<see cref="GatewayDbContext.JoinOrBeginTransactionAsync"/>), so webhooks and dispatchers need no
/// transaction of their own.
/// </remarks>
public sealed class OptOuts(GatewayDbContext db, TimeProvider time)
{
    /// <summary>Records the refusal of <paramref name="purposes"/>; the caller saves.</summary>
    public async Task<OptOutReceived> RecordAsync(
        string channel, string contact, IReadOnlyList<string> purposes, string method, string evidence,
        string? clinicId, string? patientId, Guid? inReplyTo, CancellationToken cancellationToken) =>
        (await RecordAsync(channel, contact, purposes, method, evidence, clinicId, patientId, inReplyTo, unlessStanding: false, cancellationToken))!;

    /// <summary>
    /// Records the refusal unless every purpose listed already stands refused by the patient's own opt-out at this
    /// gateway that no grant accepted by the ledger has lifted since (a link used again, a mailto sent twice): then
    /// nothing is recorded and null returned. After a new consent the same link records a new refusal. The caller saves.
    /// </summary>
    public Task<OptOutReceived?> RecordUnlessStandingAsync(
        string channel, string contact, IReadOnlyList<string> purposes, string method, string evidence,
        string? clinicId, string? patientId, Guid? inReplyTo, CancellationToken cancellationToken) =>
        RecordAsync(channel, contact, purposes, method, evidence, clinicId, patientId, inReplyTo, unlessStanding: true, cancellationToken);

    private async Task<OptOutReceived?> RecordAsync(
        string channel, string contact, IReadOnlyList<string> purposes, string method, string evidence,
        string? clinicId, string? patientId, Guid? inReplyTo, bool unlessStanding, CancellationToken cancellationToken)
    {
        var began = await db.JoinOrBeginTransactionAsync(cancellationToken);
        try
        {
            var states = new List<(string Purpose, ConsentState? State)>();
            foreach (var purpose in purposes.Distinct().Order(StringComparer.Ordinal))
            {
                await db.LockSubjectAsync(ConsentState.LockSubject(contact, channel, purpose), cancellationToken);
                states.Add((purpose, await db.ConsentStates.FindAsync([contact, channel, purpose], cancellationToken)));
            }

            if (unlessStanding && states.All(s => s.State is { Granted: false, OptedOutAt: not null }))
            {
                return null;
            }

            var now = time.GetUtcNow();
            foreach (var (purpose, found) in states)
            {
                var state = found;
                if (state is null)
                {
                    state = new ConsentState { Contact = contact, Channel = channel, Purpose = purpose, Method = method, ClinicId = clinicId };
                    db.ConsentStates.Add(state);
                }

                state.Granted = false;
                state.Method = method;
                state.OptedOutAt = now;
                state.UpdatedAt = now;
            }

            var optOut = new OptOutReceived(Guid.CreateVersion7(), channel, contact, purposes, method, evidence, clinicId, patientId, inReplyTo, now);
            db.Publish(optOut, time);
            return optOut;
        }
        catch when (began)
        {
            await db.AbandonTransactionAsync();
            throw;
        }
    }
}

/// <summary>
/// Recognises a refusal in a patient's reply: СТОП, STOP, ОТПИСКА, ОТПИСАТЬСЯ and their usual variants, in any case,
/// with punctuation or spaces, and with Latin look-alike letters typed for Cyrillic ones ("CTOП").
/// Confirmation answers such as "2", "нет" or "отмена" cancel an appointment; they are not opt-outs.
/// </summary>
public static class OptOutWords
{
    private static readonly HashSet<string> Words =
    [
        "СТОП", "СТОПВСЕ", "СТОПВСЁ", "СТОПСМС", "СТОПРАССЫЛКА",
        "ОТПИСКА", "ОТПИСАТЬСЯ", "ОТПИШИТЕ", "ОТПИШИТЕМЕНЯ", "ОТПИСАТЬ",
        "STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT",
    ];

    // Latin letters that look like Cyrillic ones, as typed on a Latin layout: "CTOП" → "СТОП".
    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        ['A'] = 'А', ['B'] = 'В', ['C'] = 'С', ['E'] = 'Е', ['H'] = 'Н', ['K'] = 'К', ['M'] = 'М',
        ['O'] = 'О', ['P'] = 'Р', ['T'] = 'Т', ['X'] = 'Х', ['Y'] = 'У',
    };

    public static bool IsOptOut(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 60)
        {
            return false;
        }

        var letters = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetter(c))
            {
                letters.Append(char.ToUpper(c, CultureInfo.InvariantCulture));
            }
        }

        var word = letters.ToString();
        if (Words.Contains(word))
        {
            return true;
        }

        // Mixed scripts: read every Latin look-alike as Cyrillic and try again.
        var cyrillic = new string(word.Select(c => LookAlikes.GetValueOrDefault(c, c)).ToArray());
        return Words.Contains(cyrillic);
    }

    /// <summary>A "СТОП" refuses every message on the channel, service and marketing alike.</summary>
    public static IReadOnlyList<string> RefusedPurposes => Purposes.All;
}
