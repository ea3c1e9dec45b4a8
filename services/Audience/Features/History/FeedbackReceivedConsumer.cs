using System.Globalization;
using System.Text.Json;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Http;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.History;

/// <summary>
/// Feedback's <c>feedback.received</c> on <c>comms.events</c> (queue <c>audience-feedback</c>): the patient's ratings, of
/// which the last counts (a low one makes the patient unprofitable). Only the figures are kept, never the review's words.
/// A 0–10 NPS rating is put on the 1–5 scale (0–1 → 1, 2–3 → 2, …, 8–10 → 5).
/// </summary>
public sealed partial class FeedbackReceivedConsumer(AudienceDbContext db, TimeProvider time, ILogger<FeedbackReceivedConsumer> logger)
    : IConsumer<RawCommsEvent>
{
    public const string QueueName = "audience-feedback";
    public const string RoutingKey = "feedback.received";

    public async Task Consume(ConsumeContext<RawCommsEvent> context)
    {
        var body = context.ReceiveContext.Body.GetBytes();
        if (StoredText.FindInJson(body) is { Count: > 0 } bad)
        {
            throw new MessageRejectedException($"feedback.received cannot be stored: {string.Join("; ", bad.Keys)}");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || Text(data, "feedbackId") is not { } feedbackId || Text(data, "clinicId") is not { } clinicId)
        {
            throw new MessageRejectedException("feedback.received without data.feedbackId and data.clinicId");
        }

        if (Text(data, "patientId") is not { } patientId || !data.TryGetProperty("rating", out var ratingElement)
            || ratingElement.ValueKind != JsonValueKind.Number || !ratingElement.TryGetInt32(out var rating))
        {
            LogIgnored(logger, feedbackId);
            return;
        }

        var scale = Text(data, "scale") ?? "stars5";
        var fiveScale = scale == "nps" ? Math.Clamp(1 + rating / 2, 1, 5) : Math.Clamp(rating, 1, 5);
        var answeredAt = Text(data, "answeredAt") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.ToUniversalTime()
            : time.GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
        var key = $"{Text(root, "source")}|{Text(root, "id") ?? $"{feedbackId}|{answeredAt:O}"}";
        if (!await db.TryBeginAsync(key, context, time))
        {
            return;
        }

        // One row per request: a later answer to it (the review after the rating) carries the same rating.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO ratings ("FeedbackId", "ClinicId", "PatientId", "Rating", "AnsweredAt", "RecordedAt")
            VALUES ({feedbackId}, {clinicId}, {patientId}, {fiveScale}, {answeredAt}, {time.GetUtcNow()})
            ON CONFLICT ("FeedbackId") DO NOTHING
            """, context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 200 } text ? text : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "feedback.received {FeedbackId} carries no patient or no rating; nothing to keep")]
    private static partial void LogIgnored(ILogger logger, string feedbackId);
}
