using System.Text.Json;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>Writes messages into the outbox of the DbContext; they are published after the transaction commits.</summary>
public static class Outbox
{
    public const string CloudEventType = "cloudevent";

    /// <summary>How every outbox body is written (web defaults: camelCase), the MIS's CloudEvents too.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Publishes <paramref name="message"/> on the bus once <c>SaveChanges</c> commits.</summary>
    public static Guid Publish<T>(this ServiceDbContext db, T message, TimeProvider time)
        where T : class
    {
        var type = typeof(T);
        var row = new OutboxMessage
        {
            MessageId = Guid.CreateVersion7(),
            MessageType = $"{type.FullName}, {type.Assembly.GetName().Name}",
            Body = JsonSerializer.Serialize(message, SerializerOptions),
            CreatedAt = time.GetUtcNow(),
        };
        db.OutboxMessages.Add(row);
        return row.MessageId;
    }

    /// <summary>
    /// Publishes a CloudEvent (structured JSON, no MassTransit envelope) to a topic exchange once <c>SaveChanges</c>
    /// commits: this is how non-.NET systems such as the MIS exchange events with Comms.
    /// </summary>
    public static Guid PublishCloudEvent(this ServiceDbContext db, string exchange, string routingKey, string cloudEventJson, TimeProvider time)
    {
        var row = new OutboxMessage
        {
            MessageId = Guid.CreateVersion7(),
            MessageType = CloudEventType,
            Body = cloudEventJson,
            Exchange = exchange,
            RoutingKey = routingKey,
            CreatedAt = time.GetUtcNow(),
        };
        db.OutboxMessages.Add(row);
        return row.MessageId;
    }
}
