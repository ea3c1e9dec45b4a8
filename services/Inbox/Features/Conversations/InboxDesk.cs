using Comms.Contracts.Mis;
using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.Inbox.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// What the front desk does with a conversation — reads it (audited), replies, assigns, notes, marks done, passes a
/// reschedule request to the MIS — each for the clinics the person is limited to. A reply is a <c>service</c> message
/// through the normal pipeline (Templating's <c>inbox.reply</c>, the gateway's consent gate, statuses), on the channel
/// the patient last wrote on or the next the clinic's order gives, under the patient's consent there.
/// </summary>
public sealed partial class InboxDesk(
    InboxDbContext db,
    ConversationBook book,
    CommsCloudEvents commsEvents,
    IOptionsMonitor<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxDesk> logger)
{
    public const string ReplyTemplateKey = TemplateKeys.InboxReply;
    public const string RescheduleRequested = "appointment.reschedule_requested";

    public sealed record Summary(Conversation Conversation, string? LastText, string? LastDirection, bool RescheduleHint, string? PatientName);

    public sealed record Thread(Conversation Conversation, IReadOnlyList<ThreadEntry> Entries, IReadOnlyList<ConversationNote> Notes,
        IReadOnlyList<PatientChannel> Channels, IReadOnlyList<InboxAuditEntry> Audit, PatientCard? Patient, PatientAppointment? NextAppointment);

    /// <summary>An action refused: the field it is about and the reason, in Russian; <c>null</c> field for the conversation itself.</summary>
    public sealed record Refusal(int Status, string? Field, string Reason);

    /// <summary>The person's conversations with patients who wrote: the unanswered ones first, newest on top (each shows how long it waits), then the others, newest first.</summary>
    public async Task<IReadOnlyList<Summary>> ListAsync(StaffUser staff, string? clinicId, int limit, CancellationToken cancellationToken)
    {
        // The patients who wrote: what Comms alone sent (every reminder's patient) is in their threads, not in the list.
        var query = db.Conversations.AsNoTracking().Where(c => c.LastInboundAt != null);
        if (clinicId is not null)
        {
            query = query.Where(c => c.ClinicId == clinicId);
        }

        if (!staff.SeesEveryClinic)
        {
            var clinics = staff.Clinics.ToArray();
            query = query.Where(c => clinics.Contains(c.ClinicId));
        }

        var waiting = await query.Where(c => c.WaitingSince != null && c.Status == ConversationStatuses.Open).OrderByDescending(c => c.LastInboundAt).Take(limit).ToListAsync(cancellationToken);
        var others = waiting.Count >= limit
            ? []
            : await query.Where(c => c.WaitingSince == null || c.Status != ConversationStatuses.Open).OrderByDescending(c => c.LastMessageAt).Take(limit - waiting.Count).ToListAsync(cancellationToken);
        var conversations = waiting.Concat(others).ToList();
        var ids = conversations.Select(c => c.Id).ToArray();
        // The latest entry of each, in one query.
        var latest = (await db.Entries.AsNoTracking().Where(e => ids.Contains(e.ConversationId))
                .GroupBy(e => e.ConversationId)
                .Select(g => g.OrderByDescending(e => e.At).First())
                .ToListAsync(cancellationToken))
            .ToDictionary(e => e.ConversationId);
        // Flagged while it waits: a hint among the messages since the conversation began to wait (the conversations are in hand).
        var waitingSince = conversations.Where(c => c.WaitingSince is not null).ToDictionary(c => c.Id, c => c.WaitingSince!.Value);
        var waitingIds = waitingSince.Keys.ToArray();
        var hinted = (await db.Entries.AsNoTracking().Where(e => waitingIds.Contains(e.ConversationId) && e.RescheduleHint)
                .Select(e => new { e.ConversationId, e.At }).ToListAsync(cancellationToken))
            .Where(e => e.At >= waitingSince[e.ConversationId]).Select(e => e.ConversationId).ToHashSet();
        var patientIds = conversations.Select(c => c.PatientId).Distinct().ToArray();
        var names = (await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.PatientId)).ToListAsync(cancellationToken))
            .ToDictionary(p => (p.ClinicId, p.PatientId), p => string.Join(' ', new[] { p.LastName, p.FirstName, p.MiddleName }.Where(n => !string.IsNullOrWhiteSpace(n))));
        return [.. conversations.Select(c => new Summary(c, latest.GetValueOrDefault(c.Id)?.Text, latest.GetValueOrDefault(c.Id)?.Direction, hinted.Contains(c.Id),
            names.GetValueOrDefault((c.ClinicId, c.PatientId)) is { Length: > 0 } name ? name : null))];
    }

    /// <summary>
    /// The thread, its notes and the patient's channels; the opening is audited (not the open page's live refresh,
    /// <paramref name="audited"/> false). Null: no such conversation the person may see.
    /// </summary>
    public async Task<Thread?> OpenAsync(StaffUser staff, Guid id, CancellationToken cancellationToken, bool audited = true)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null || !staff.MaySee(conversation.ClinicId))
        {
            return null;
        }

        if (audited)
        {
            db.Audit.Add(new InboxAuditEntry { ConversationId = id, ClinicId = conversation.ClinicId, Actor = staff.Name, Action = InboxActions.Opened, At = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }

        return new Thread(
            conversation,
            await db.Entries.AsNoTracking().Where(e => e.ConversationId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken),
            await db.Notes.AsNoTracking().Where(n => n.ConversationId == id).OrderBy(n => n.At).ToListAsync(cancellationToken),
            await db.Channels.AsNoTracking().Where(c => c.ClinicId == conversation.ClinicId && c.PatientId == conversation.PatientId).OrderBy(c => c.Channel).ToListAsync(cancellationToken),
            await db.Audit.AsNoTracking().Where(a => a.ConversationId == id).OrderByDescending(a => a.At).Take(50).ToListAsync(cancellationToken),
            await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.ClinicId == conversation.ClinicId && p.PatientId == conversation.PatientId, cancellationToken),
            await db.Appointments.AsNoTracking()
                .Where(a => a.ClinicId == conversation.ClinicId && a.PatientId == conversation.PatientId && a.Status == "booked" && a.StartsAt > time.GetUtcNow())
                .OrderBy(a => a.StartsAt).FirstOrDefaultAsync(cancellationToken));
    }

    /// <summary>Sends the person's reply; a refusal changes nothing.</summary>
    public async Task<(Guid MessageId, string Channel)?> ReplyAsync(StaffUser staff, Guid id, string? text, string? channel, Action<Refusal> refuse, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            refuse(new Refusal(StatusCodes.Status400BadRequest, "text", "Напишите текст ответа."));
            return null;
        }

        if (text.Length > settings.MaxReplyLength)
        {
            refuse(new Refusal(StatusCodes.Status400BadRequest, "text", $"Ответ длиннее {settings.MaxReplyLength} символов."));
            return null;
        }

        if (channel is not null && !Contracts.Channels.All.Contains(channel))
        {
            refuse(new Refusal(StatusCodes.Status400BadRequest, "channel", $"Нет такого канала: «{channel}» (sms, whatsapp, email, max)."));
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null || !staff.MaySee(conversation.ClinicId))
        {
            refuse(new Refusal(StatusCodes.Status404NotFound, null, "Нет такого разговора."));
            return null;
        }

        conversation = await book.ConversationAsync(conversation.ClinicId, conversation.PatientId, cancellationToken);
        var channels = await db.Channels.AsNoTracking().Where(c => c.ClinicId == conversation.ClinicId && c.PatientId == conversation.PatientId).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var lastWhatsApp = await db.Entries.AsNoTracking()
            .Where(e => e.ConversationId == conversation.Id && e.Direction == Directions.In && e.Channel == Contracts.Channels.WhatsApp)
            .MaxAsync(e => (DateTimeOffset?)e.At, cancellationToken);
        string[] candidates = channel is not null
            ? [channel]
            : [.. new[] { conversation.LastInboundChannel }.OfType<string>().Concat(settings.ChannelOrder).Distinct(StringComparer.Ordinal)];
        PatientChannel? chosen = null;
        string? why = null;
        foreach (var candidate in candidates)
        {
            var record = channels.FirstOrDefault(c => c.Channel == candidate);
            why ??= record is { Granted: false } ? OptedOutReason(record) : null;
            if (record is not { Granted: true, Contact: not null })
            {
                continue;
            }

            if (candidate == Contracts.Channels.WhatsApp && (lastWhatsApp is not { } at || now - at > settings.WhatsAppWindow))
            {
                why ??= "WhatsApp принимает ответ только в течение 24 часов после сообщения пациента.";
                continue;
            }

            chosen = record;
            break;
        }

        if (chosen is null)
        {
            refuse(new Refusal(StatusCodes.Status409Conflict, "channel",
                why ?? (channel is null ? "Нет согласия пациента на сообщения ни в одном канале: ответ не отправлен." : $"Нет согласия пациента на сообщения в канале «{channel}»: ответ не отправлен.")));
            return null;
        }

        var messageId = Guid.CreateVersion7(now);
        db.Entries.Add(new ThreadEntry
        {
            Id = messageId, ConversationId = conversation.Id, ClinicId = conversation.ClinicId, Direction = Directions.Out, Channel = chosen.Channel,
            Text = text, Kind = "staff", Author = staff.Name, Status = MessageStatuses.Queued, At = now,
        });
        conversation.WaitingSince = null;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        conversation.AssignedTo ??= staff.Name;
        db.Audit.Add(new InboxAuditEntry { ConversationId = conversation.Id, ClinicId = conversation.ClinicId, Actor = staff.Name, Action = InboxActions.Replied, Detail = chosen.Channel, At = now });
        db.Publish(new ComposeMessage(
            messageId, ReplyTemplateKey, Purposes.Service, [chosen.Channel],
            new MessageRecipient(
                conversation.ClinicId, conversation.PatientId,
                chosen.Channel is Contracts.Channels.Sms or Contracts.Channels.WhatsApp ? chosen.Contact : null,
                chosen.Channel == Contracts.Channels.Email ? chosen.Contact : null,
                chosen.Channel == Contracts.Channels.Max ? chosen.Contact : null,
                null),
            "ru",
            new Dictionary<string, string?>(StringComparer.Ordinal) { ["reply.text"] = text, ["clinic.id"] = conversation.ClinicId },
            null, null, now, (now + TimeSpan.FromDays(1)).ToUniversalTime()), time);
        await book.SaveAndTellAsync(conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogReplied(logger, conversation.Id, chosen.Channel);
        return (messageId, chosen.Channel);
    }

    /// <summary>Gives the conversation to a person of the front desk (<paramref name="to"/> null: to the one asking).</summary>
    public Task<bool> AssignAsync(StaffUser staff, Guid id, string? to, CancellationToken cancellationToken) =>
        ChangeAsync(staff, id, InboxActions.Assigned, c => c.AssignedTo = string.IsNullOrWhiteSpace(to) ? staff.Name : to.Trim(), cancellationToken);

    public Task<bool> DoneAsync(StaffUser staff, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(staff, id, InboxActions.Done, c =>
        {
            c.Status = ConversationStatuses.Done;
            c.WaitingSince = null;
        }, cancellationToken);

    public async Task<bool> NoteAsync(StaffUser staff, Guid id, string text, CancellationToken cancellationToken) =>
        await ChangeAsync(staff, id, InboxActions.Noted, c => db.Notes.Add(new ConversationNote { ConversationId = c.Id, Author = staff.Name, Text = text, At = time.GetUtcNow() }), cancellationToken);

    /// <summary>Passes the patient's words about moving or cancelling a visit to the MIS: <c>appointment.reschedule_requested</c>. Comms changes nothing itself.</summary>
    public async Task<bool> RequestRescheduleAsync(StaffUser staff, Guid id, Guid entryId, CancellationToken cancellationToken)
    {
        var entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId && e.ConversationId == id && e.Direction == Directions.In, cancellationToken);
        if (entry is null)
        {
            return false;
        }

        return await ChangeAsync(staff, id, InboxActions.RescheduleRequested, c => commsEvents.Publish(db, RescheduleRequested, new
        {
            clinicId = c.ClinicId,
            patientId = c.PatientId,
            appointmentId = entry.AppointmentId,
            channel = entry.Channel,
            text = entry.Text,
            receivedAt = entry.At,
            requestedBy = staff.Name,
            requestedAt = time.GetUtcNow(),
        }), cancellationToken);
    }

    private async Task<bool> ChangeAsync(StaffUser staff, Guid id, string action, Action<Conversation> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var found = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (found is null || !staff.MaySee(found.ClinicId))
        {
            return false;
        }

        var conversation = await book.ConversationAsync(found.ClinicId, found.PatientId, cancellationToken);
        change(conversation);
        conversation.UpdatedAt = time.GetUtcNow();
        db.Audit.Add(new InboxAuditEntry { ConversationId = id, ClinicId = conversation.ClinicId, Actor = staff.Name, Action = action, Detail = action == InboxActions.Assigned ? conversation.AssignedTo : null, At = time.GetUtcNow() });
        await book.SaveAndTellAsync(conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string OptedOutReason(PatientChannel record) => ConsentMethods.PatientOptOuts.Contains(record.Method)
        ? $"Пациент отказался от сообщений в канале «{record.Channel}» (СТОП): ответ не отправлен."
        : $"Согласие пациента на сообщения в канале «{record.Channel}» отозвано: ответ не отправлен.";

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationId}: a reply sent on its way by {Channel}")]
    private static partial void LogReplied(ILogger logger, Guid conversationId, string channel);
}
