using Comms.ServiceDefaults.Persistence;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// Keeps one bad message of a batch from taking the others with it. The batch's work runs once for all its messages in
/// one transaction; when that fails for a reason of its own (not the database or the broker away, which retries the
/// batch as any message is retried), it runs again for each message alone, each in its own transaction, and a message
/// that fails alone is moved to its queue's <c>_error</c> queue with the reason (header <c>MT-Fault-Message</c>, its
/// message id kept), logged and counted as any dead letter: it waits there for an operator, and the others are done.
/// </summary>
public sealed partial class BatchIsolation(CommsMetrics metrics, ILogger<BatchIsolation> logger)
{
    /// <param name="work">The batch's work for some of its messages; commits what it does. Its changes are dropped when it throws.</param>
    public async Task RunAsync<T>(
        ConsumeContext<Batch<T>> batch, ServiceDbContext db, Func<IReadOnlyList<ConsumeContext<T>>, Task> work)
        where T : class
    {
        var messages = batch.Message.ToList();
        var cancellationToken = batch.CancellationToken;
        try
        {
            await work(messages);
            return;
        }
        catch (Exception ex) when (messages.Count > 1 && !TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            LogBatchFailed(logger, Inbox.ReceiverOf(batch), messages.Count, ex.GetBaseException().GetType().Name);
        }

        foreach (var message in messages)
        {
            try
            {
                await work([message]);
            }
            catch (Exception ex) when (!TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                await DeadLetterAsync(message, ex.GetBaseException());
            }
        }
    }

    private async Task DeadLetterAsync<T>(ConsumeContext<T> message, Exception exception)
        where T : class
    {
        var queue = Inbox.ReceiverOf(message);
        var errorQueue = await message.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        // The body exactly as it arrived (a raw MIS CloudEvent stays the MIS's JSON), its headers and id kept.
        await errorQueue.Send(message.Message, Pipe.Execute<SendContext<T>>(send =>
        {
            send.Serializer = new CopyBodySerializer(message.ReceiveContext.ContentType, message.ReceiveContext.Body);
            send.MessageId = message.MessageId;
            send.CorrelationId = message.CorrelationId;
            foreach (var header in message.Headers.GetAll())
            {
                send.Headers.Set(header.Key, header.Value);
            }

            send.Headers.Set("MT-Reason", "fault");
            send.Headers.Set("MT-Fault-ExceptionType", exception.GetType().FullName);
            send.Headers.Set("MT-Fault-Message", exception.Message);
            send.Headers.Set("MT-Fault-Timestamp", DateTimeOffset.UtcNow.ToString("O"));
        }), message.CancellationToken);
        metrics.DeadLettered.Add(1,
            new KeyValuePair<string, object?>("queue", queue),
            new KeyValuePair<string, object?>("exception", exception.GetType().Name));
        LogDeadLettered(logger, message.MessageId?.ToString() ?? CloudEventId(message.ReceiveContext.Body) ?? "(none)", queue,
            exception.GetType().Name, exception.Message);
    }

    /// <summary>A raw CloudEvent carries no transport message id: the operator finds it by its own <c>id</c> (at most 100 characters).</summary>
    private static string? CloudEventId(MessageBody body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body.GetBytes());
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                json.RootElement.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String &&
                id.GetString() is { Length: > 0 } text
                    ? "cloudevent " + (text.Length <= 100 ? text : text[..100])
                    : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} on {Queue} failed ({ExceptionType}); its messages are taken one at a time")]
    private static partial void LogBatchFailed(ILogger logger, string queue, int count, string exceptionType);

    // As ReceiveQueues' alarm: the exception's message is the reason; PostgreSQL's details (which may carry values) are not in it.
    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved from {Queue} to {Queue}_error ({ExceptionType}: {Reason}); it waits there for an operator")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, string exceptionType, string reason);
}
