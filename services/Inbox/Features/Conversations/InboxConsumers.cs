using Comms.Contracts;
using Comms.Contracts.Consent;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Inbox.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// What the patient wrote (<see cref="PatientReplied"/>: the gateways handle «СТОП» first, so it never gets here), filed
/// under the conversation of the clinic and patient the gateway resolved; a text Comms itself reads (a «1» to a question)
/// waits for nobody. Words from a contact Comms never wrote to name no clinic and are not filed (docs/inbox.md).
/// </summary>
public sealed partial class PatientMessagesConsumer(
    InboxDbContext db, ConversationBook book, IOptionsMonitor<InboxOptions> options, TimeProvider time, ILogger<PatientMessagesConsumer> logger)
    : IConsumer<PatientReplied>
{
    public async Task Consume(ConsumeContext<PatientReplied> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        if (reply is not { ClinicId: { } clinicId, PatientId: { } patientId })
        {
            LogUnfiled(logger, reply.ReplyId, reply.Channel);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await book.ConversationAsync(clinicId, patientId, cancellationToken);
        if (await db.Entries.AnyAsync(e => e.Id == reply.ReplyId, cancellationToken))
        {
            return;
        }

        var at = reply.ReceivedAt.ToUniversalTime();
        var automatic = Hints.IsAutomaticAnswer(reply.ExpectedReply, reply.Text);
        db.Entries.Add(new ThreadEntry
        {
            Id = reply.ReplyId, ConversationId = conversation.Id, ClinicId = clinicId, Direction = Directions.In, Channel = reply.Channel,
            Text = reply.Text, Kind = "patient", At = at, AppointmentId = reply.AppointmentId, Automatic = automatic,
            RescheduleHint = !automatic && Hints.IsRescheduleRequest(reply.Text),
        });
        conversation.LastInboundChannel = reply.Channel;
        conversation.LastInboundAt = conversation.LastInboundAt is { } last && last > at ? last : at;
        conversation.LastMessageAt = conversation.LastMessageAt > at ? conversation.LastMessageAt : at;
        if (!automatic)
        {
            if (conversation.WaitingSince is null)
            {
                NotifyStaff(conversation, reply);
            }

            conversation.WaitingSince ??= at;
            if (conversation.Status == ConversationStatuses.Done)
            {
                conversation.Status = ConversationStatuses.Open;
                db.Audit.Add(new InboxAuditEntry { ConversationId = conversation.Id, ClinicId = clinicId, Actor = "patient", Action = InboxActions.Reopened, At = time.GetUtcNow() });
            }
        }

        conversation.UpdatedAt = time.GetUtcNow();
        await book.SaveAndTellAsync(conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The staff's email that the conversation now waits (once per waiting: the next comes after an answer). It carries no
    /// word of the patient's, nor their name: only where to open it (323-ФЗ ст. 13).
    /// </summary>
    private void NotifyStaff(Conversation conversation, PatientReplied reply)
    {
        var settings = options.CurrentValue.Notify;
        var link = settings.PublicBaseUrl is { Length: > 0 } baseUrl ? $"{baseUrl.TrimEnd('/')}/inbox/{conversation.Id}" : null;
        var text = $"Пациент ({conversation.PatientId}) написал через {reply.Channel} и ждёт ответа.\n\n" +
                   (link is null ? "Откройте «Сообщения пациентов»." : $"Открыть разговор: {link}");
        var html = $"<p>Пациент ({System.Net.WebUtility.HtmlEncode(conversation.PatientId)}) написал через {System.Net.WebUtility.HtmlEncode(reply.Channel)} и ждёт ответа.</p>" +
                   (link is null ? "<p>Откройте «Сообщения пациентов».</p>" : $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Открыть разговор</a></p>");
        foreach (var email in settings.For(conversation.ClinicId).Select(e => e.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal))
        {
            db.Publish(new SendEmail(MessageIds.Derived(reply.ReplyId, $"staff|{email}"), conversation.ClinicId, null, null, email,
                $"Новое сообщение пациента — {conversation.ClinicId}", html, text, Purposes.Service, StaffNotificationKey, 1, null, time.GetUtcNow()), time);
        }
    }

    public const string StaffNotificationKey = "inbox.staff-notification";

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} on {Channel} names no clinic or patient: not filed")]
    private static partial void LogUnfiled(ILogger logger, Guid replyId, string channel);
}

/// <summary>What Comms sent the patient, as Templating rendered it for each channel, and how far it got.</summary>
public sealed class SentMessagesConsumer(ConversationBook book)
    : IConsumer<SendSms>, IConsumer<SendMax>, IConsumer<SendEmail>, IConsumer<SendWhatsApp>, IConsumer<MessageStatusChanged>
{
    public Task Consume(ConsumeContext<SendSms> context)
    {
        var m = context.Message;
        return book.SentAsync(m.MessageId, m.ClinicId, m.PatientId, m.AppointmentId, Channels.Sms, m.Text, m.TemplateKey, m.RequestedAt, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<SendMax> context)
    {
        var m = context.Message;
        return book.SentAsync(m.MessageId, m.ClinicId, m.PatientId, m.AppointmentId, Channels.Max, m.Text, m.TemplateKey, m.RequestedAt, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<SendEmail> context)
    {
        var m = context.Message;
        return book.SentAsync(m.MessageId, m.ClinicId, m.PatientId, m.AppointmentId, Channels.Email, $"{m.Subject}\n\n{m.Text}", m.TemplateKey, m.RequestedAt, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<SendWhatsApp> context)
    {
        var m = context.Message;
        return book.SentAsync(m.MessageId, m.ClinicId, m.PatientId, m.AppointmentId, Channels.WhatsApp, m.Text, m.TemplateKey, m.RequestedAt, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<MessageStatusChanged> context)
    {
        var m = context.Message;
        return book.StatusAsync(m.MessageId, m.ClinicId, m.PatientId, m.Channel, m.Status, m.Reason, m.OccurredAt, context.CancellationToken);
    }
}

/// <summary>The patients' contacts and service consents per channel, as the Consent service tells: where a reply may go.</summary>
public sealed class ChannelConsentsConsumer(InboxDbContext db) : IConsumer<ConsentChanged>
{
    public async Task Consume(ConsumeContext<ConsentChanged> context)
    {
        var m = context.Message;
        if (m is not { Purpose: Purposes.Service, ClinicId: { } clinicId, PatientId: { } patientId })
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync($"channel:{clinicId}:{patientId}:{m.Channel}", cancellationToken);
        var channel = await db.Channels.FindAsync([clinicId, patientId, m.Channel], cancellationToken);
        if (channel is null)
        {
            channel = new PatientChannel { ClinicId = clinicId, PatientId = patientId, Channel = m.Channel };
            db.Channels.Add(channel);
        }
        else if (channel.Sequence >= m.Sequence)
        {
            return;
        }

        channel.Contact = m.Contact;
        channel.Granted = m.Granted;
        channel.Method = m.Method;
        channel.Sequence = m.Sequence;
        channel.ChangedAt = m.RecordedAt.ToUniversalTime();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
