using Comms.Contracts.Delivery;
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
    CommsCloudEvents misEvents,
    ILogger<PatientRepliedConsumer> logger) : IConsumer<PatientReplied>
{
    public async Task Consume(ConsumeContext<PatientReplied> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        var appointment = reply is { ExpectedReply: "confirmation", ClinicId: { } clinicId, AppointmentId: { } appointmentId }
            ? await db.Appointments.FindAsync([clinicId, appointmentId], cancellationToken)
            : null;
        var answer = appointment is { Status: AppointmentStatuses.Booked } && appointment.StartsAt > reply.ReceivedAt
            ? ConfirmationReply.Read(reply.Text)
            : ConfirmationAnswer.Unrecognised;

        if (answer == ConfirmationAnswer.Unrecognised)
        {
            misEvents.Publish(db, "patient.message_received", new
            {
                clinicId = reply.ClinicId,
                patientId = reply.PatientId,
                appointmentId = reply.AppointmentId,
                channel = reply.Channel,
                contact = reply.Contact,
                text = reply.Text,
                inReplyToMessageId = reply.InReplyToMessageId,
                receivedAt = reply.ReceivedAt,
            });
            await db.SaveChangesAsync(cancellationToken);
            LogForwarded(logger, reply.ReplyId);
            return;
        }

        var outcome = answer == ConfirmationAnswer.Confirmed ? ConfirmationStatuses.Confirmed : ConfirmationStatuses.CancellationRequested;
        appointment!.Confirmation = outcome;
        appointment.AnsweredAt = reply.ReceivedAt;
        if (reply.InReplyToMessageId is { } asked && await db.ScheduledSends.FindAsync([asked], cancellationToken) is { } question)
        {
            question.Answer = outcome;
        }

        var pendingQuestions = await db.ScheduledSends
            .Where(s => s.ClinicId == appointment.ClinicId && s.AppointmentId == appointment.AppointmentId &&
                        s.Status == SendStatuses.Pending && s.ExpectedReply == "confirmation")
            .ToListAsync(cancellationToken);
        foreach (var send in pendingQuestions)
        {
            send.Status = SendStatuses.Suppressed;
            send.StatusReason = "the patient already answered the confirmation request";
        }

        misEvents.Publish(db, answer == ConfirmationAnswer.Confirmed ? "appointment.confirmed" : "appointment.cancellation_requested", new
        {
            appointmentId = appointment.AppointmentId,
            clinicId = appointment.ClinicId,
            patientId = appointment.PatientId,
            version = appointment.Version,
            messageId = reply.InReplyToMessageId,
            channel = reply.Channel,
            reply = reply.Text,
            answeredAt = reply.ReceivedAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        LogAnswered(logger, appointment.AppointmentId, outcome);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {AppointmentId}: patient answered {Outcome}")]
    private static partial void LogAnswered(ILogger logger, string appointmentId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} is not an answer; forwarded to the clinic")]
    private static partial void LogForwarded(ILogger logger, Guid replyId);
}
