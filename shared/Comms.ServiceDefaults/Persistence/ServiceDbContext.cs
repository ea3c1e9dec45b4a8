using Microsoft.EntityFrameworkCore;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// Base of every service's DbContext: it carries the transactional outbox and the consumer inbox, so state
/// changes and the messages they cause commit in one PostgreSQL transaction.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(x => x.Id);
            outbox.Property(x => x.Id).UseIdentityAlwaysColumn();
            outbox.Property(x => x.MessageType).HasMaxLength(500);
            outbox.Property(x => x.Body).HasColumnType("jsonb");
            outbox.Property(x => x.Exchange).HasMaxLength(200);
            outbox.Property(x => x.RoutingKey).HasMaxLength(200);
            outbox.Property(x => x.LastError).HasMaxLength(2000);
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(x => new { x.MessageKey, x.Receiver });
            inbox.Property(x => x.MessageKey).HasMaxLength(450);
            inbox.Property(x => x.Receiver).HasMaxLength(200);
            inbox.HasIndex(x => x.ProcessedAt);
        });
    }
}

/// <summary>A message waiting to be published; deleted once the broker confirmed it.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>Transport message id: consumers' inboxes recognise a republished copy by it.</summary>
    public Guid MessageId { get; set; }

    /// <summary>CLR type of a MassTransit message, or <see cref="Outbox.CloudEventType"/> for a raw CloudEvent.</summary>
    public required string MessageType { get; set; }

    public required string Body { get; set; }

    /// <summary>For raw CloudEvents: the exchange and routing key to publish to.</summary>
    public string? Exchange { get; set; }

    public string? RoutingKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}

/// <summary>A message a consumer has already handled; a second delivery of it is skipped.</summary>
public sealed class InboxMessage
{
    /// <summary>The transport message id, or a domain key such as a CloudEvent's "source|id".</summary>
    public required string MessageKey { get; set; }

    /// <summary>The receive endpoint (queue) that handled it: each consumer keeps its own record.</summary>
    public required string Receiver { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
