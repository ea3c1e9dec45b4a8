using Comms.Contracts;
using System.Globalization;
using System.Text.Json;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.Channels;

/// <summary>
/// Scheduling's <c>appointment.confirmed</c> and <c>appointment.cancellation_requested</c> on <c>comms.events</c> (queue
/// <c>audience-answers</c>): which confirmation request the patient answered, how and when. The reply's words are not kept.
/// </summary>
public sealed class AnswersConsumer(AudienceDbContext db, TimeProvider time) : IConsumer<RawCommsEvent>
{
    public const string QueueName = "audience-answers";
    public const string Confirmed = "appointment.confirmed";
    public const string CancellationRequested = "appointment.cancellation_requested";

    public async Task Consume(ConsumeContext<RawCommsEvent> context)
    {
        using var document = JsonDocument.Parse(context.ReceiveContext.Body.GetBytes());
        var root = document.RootElement;
        var type = Text(root, "type");
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || type is not (Confirmed or CancellationRequested)
            || !Guid.TryParse(Text(data, "messageId"), out var messageId))
        {
            throw new MessageRejectedException($"'{type}' without data.messageId is not an answer Audience can place");
        }

        var answeredAt = DateTimeOffset.TryParse(Text(data, "answeredAt"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.ToUniversalTime()
            : time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.TryBeginAsync($"{Text(root, "source")}|{Text(root, "id")}|{Text(data, "appointmentId")}", context, time))
        {
            return;
        }

        await db.LockSubjectAsync($"message:{messageId}", cancellationToken);
        var fact = await db.Messages.FindAsync([messageId], cancellationToken);
        if (fact is null)
        {
            fact = new MessageFact
            {
                MessageId = messageId, ClinicId = Text(data, "clinicId"), PatientId = Text(data, "patientId"),
                AppointmentId = Text(data, "appointmentId"), ExpectedReply = ExpectedReplies.Confirmation,
            };
            db.Messages.Add(fact);
        }

        // The first answer stands, as at Scheduling.
        if (fact.Answer is null)
        {
            fact.Answer = type == Confirmed ? MessageAnswers.Confirmed : MessageAnswers.Cancelled;
            fact.AnsweredAt = answeredAt;
            fact.RepliedAt ??= answeredAt;
        }

        fact.Channel ??= Text(data, "channel");
        fact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 200 } text ? text : null;
}

public static class MessageAnswers
{
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
}
