using Comms.Contracts.Delivery;
using Comms.Contracts;
using Comms.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Features.Replies;

/// <summary>
/// A patient's answer to a confirmation request becomes <c>appointment.confirmed</c> or
/// <c>appointment.cancellation_requested</c> for the MIS, and no further confirmation request goes out for that
/// appointment (reminders still do). Anything else — or an answer to an appointment no longer booked — is handed to the
/// clinic as <c>patient.message_received</c>, never guessed.
/// </summary>
public sealed partial class PatientRepliedConsumer(
    SchedulingDbContext db,
    MergedSends mergedSends,
    CommsCloudEvents misEvents,
    ILogger<PatientRepliedConsumer> logger) : IConsumer<PatientReplied>
{
    private const string FeedbackRating = ExpectedReplies.Rating;
    private const string FeedbackReview = ExpectedReplies.Review;
    private const string WaitlistOffer = ExpectedReplies.Waitlist;

    public async Task Consume(ConsumeContext<PatientReplied> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        if (reply.ExpectedReply is FeedbackRating or FeedbackReview or WaitlistOffer)
        {
            return; // an answer to Feedback's question (Feedback records it) or to Audience's slot offer (Audience weighs it)
        }

        // A reply names the channel attempt it answers; the send is what the rest of Scheduling knows.
        var asked = reply.InReplyToMessageId is { } messageId
            ? await db.ChannelAttempts.Where(a => a.MessageId == messageId).Select(a => (Guid?)a.SendMessageId).SingleOrDefaultAsync(cancellationToken) ?? messageId
            : (Guid?)null;
        await StopFallbackAsync(asked, reply, cancellationToken);
        var appointment = reply is { ExpectedReply: ExpectedReplies.Confirmation, ClinicId: { } clinicId, AppointmentId: { } appointmentId }
            ? await db.Appointments.FindAsync([clinicId, appointmentId], cancellationToken)
            : null;
        var answer = appointment is { Status: AppointmentStatuses.Booked } && appointment.StartsAt > reply.ReceivedAt
            ? ConfirmationReply.Read(reply.Text)
            : ConfirmationAnswer.Unrecognised;

        if (answer == ConfirmationAnswer.Unrecognised)
        {
            misEvents.PublishPatientMessage(db, reply);
            await db.SaveChangesAsync(cancellationToken);
            LogForwarded(logger, reply.ReplyId);
            return;
        }

        var outcome = answer == ConfirmationAnswer.Confirmed ? ConfirmationStatuses.Confirmed : ConfirmationStatuses.CancellationRequested;
        var answered = new List<Appointment> { appointment! };
        if (asked is { } sendId && await db.ScheduledSends.FindAsync([sendId], cancellationToken) is { } question)
        {
            question.Answer = outcome;

            // A question about several appointments within the hour (merged into one message) is answered for each.
            var merged = await db.ScheduledSends.Where(s => s.MergedInto == sendId).ToListAsync(cancellationToken);
            foreach (var send in merged)
            {
                send.Answer = outcome;
                if (await db.Appointments.FindAsync([send.ClinicId, send.AppointmentId], cancellationToken) is { Status: AppointmentStatuses.Booked } other)
                {
                    answered.Add(other);
                }
            }
        }

        var withdrawn = new List<ScheduledSend>();
        foreach (var each in answered)
        {
            each.Confirmation = outcome;
            each.AnsweredAt = reply.ReceivedAt;
            var pendingQuestions = await db.ScheduledSends
                .Where(s => s.ClinicId == each.ClinicId && s.AppointmentId == each.AppointmentId &&
                            s.Status == SendStatuses.Pending && s.ExpectedReply == ExpectedReplies.Confirmation)
                .ToListAsync(cancellationToken);
            foreach (var send in pendingQuestions)
            {
                send.Status = SendStatuses.Suppressed;
                send.StatusReason = "the patient already answered the confirmation request";
                withdrawn.Add(send);
            }

            misEvents.Publish(db, answer == ConfirmationAnswer.Confirmed ? "appointment.confirmed" : "appointment.cancellation_requested", new
            {
                appointmentId = each.AppointmentId,
                clinicId = each.ClinicId,
                patientId = each.PatientId,
                version = each.Version,
                messageId = reply.InReplyToMessageId,
                channel = reply.Channel,
                reply = reply.Text,
                answeredAt = reply.ReceivedAt,
            });
        }

        // Once every appointment answered is marked so: a question merged into a withdrawn one goes on its own only if
        // its own appointment is still unanswered.
        foreach (var send in withdrawn)
        {
            await mergedSends.ReleaseAsync(send, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        LogAnswered(logger, string.Join(", ", answered.Select(a => a.AppointmentId)), outcome);
    }

    /// <summary>
    /// The patient answered on one channel, so the message reached them: a next channel waiting its turn is not sent.
    /// (Channels go one at a time, so nothing else of this message is on its way.)
    /// </summary>
    private async Task StopFallbackAsync(Guid? sendId, PatientReplied reply, CancellationToken cancellationToken)
    {
        if (sendId is not { } id || await db.ScheduledSends.FindAsync([id], cancellationToken) is not { Status: SendStatuses.Pending, ChannelStep: > 0 } send)
        {
            return;
        }

        send.Status = SendStatuses.Suppressed;
        send.StatusReason = $"the patient answered on {reply.Channel}: {send.Channels[send.ChannelStep]} is not needed";
        LogFallbackStopped(logger, send.MessageId, reply.Channel);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {MessageId}: the patient answered on {Channel}; the next channel is not sent")]
    private static partial void LogFallbackStopped(ILogger logger, Guid messageId, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment(s) {AppointmentIds}: patient answered {Outcome}")]
    private static partial void LogAnswered(ILogger logger, string appointmentIds, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} is not an answer; forwarded to the clinic")]
    private static partial void LogForwarded(ILogger logger, Guid replyId);
}
