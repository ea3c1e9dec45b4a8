using Comms.Delivery;
using Comms.Delivery.Messages;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Persistence;

public sealed class SmsDbContext(DbContextOptions<SmsDbContext> options) : GatewayDbContext(options)
{
    /// <summary>The shadow property of <see cref="OutgoingMessage"/> that carries its concurrency token.</summary>
    public const string MessageVersion = "RowVersion";

    public DbSet<SendAttempt> SendAttempts => Set<SendAttempt>();

    public DbSet<FlaggedContact> FlaggedContacts => Set<FlaggedContact>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // The row's version (PostgreSQL's xmin): receipts, the resolver and the dispatcher each save a message only as
        // they read it, so two receipts applied at once cannot move it back from a final status (the later is applied again).
        modelBuilder.Entity<OutgoingMessage>().Property<uint>(MessageVersion).IsRowVersion();

        modelBuilder.Entity<SendAttempt>(attempt =>
        {
            attempt.ToTable("send_attempts");
            attempt.HasKey(x => x.Id);
            attempt.Property(x => x.Id).UseIdentityAlwaysColumn();
            attempt.Property(x => x.Account).HasMaxLength(40);
            attempt.Property(x => x.ClientReference).HasMaxLength(40);
            attempt.Property(x => x.Outcome).HasMaxLength(20);
            attempt.Property(x => x.Code).HasMaxLength(40);
            attempt.Property(x => x.Reason).HasMaxLength(1000);
            attempt.Property(x => x.ProviderMessageId).HasMaxLength(200);
            attempt.HasIndex(x => new { x.MessageId, x.Number }).IsUnique();
            attempt.HasIndex(x => new { x.Account, x.ClientReference }).IsUnique();
            attempt.HasIndex(x => x.ResolveAfter).HasFilter("\"ResolveAfter\" IS NOT NULL");
        });

        modelBuilder.Entity<FlaggedContact>(flag =>
        {
            flag.ToTable("flagged_contacts");
            flag.HasKey(x => x.Contact);
            flag.Property(x => x.Contact).HasMaxLength(254);
            flag.Property(x => x.Account).HasMaxLength(40);
            flag.Property(x => x.Code).HasMaxLength(40);
            flag.Property(x => x.Reason).HasMaxLength(1000);
        });
    }
}

/// <summary>
/// One call to a provider for one message. Written and committed before the call, so a gateway that dies mid-call
/// leaves an open attempt that <see cref="Features.Sending.AmbiguousSendResolver"/> finds; nothing is ever sent for a
/// message without an attempt on record.
/// </summary>
public sealed class SendAttempt
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>1, 2, … within the message.</summary>
    public int Number { get; set; }

    public required string Account { get; set; }

    /// <summary>Our id for this attempt, given to providers that take one (SMSC.ru's <c>id</c>).</summary>
    public required string ClientReference { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Null while in flight; then one of <see cref="AttemptOutcomes"/>.</summary>
    public string? Outcome { get; set; }

    public string? Code { get; set; }

    public string? Reason { get; set; }

    public string? ProviderMessageId { get; set; }

    /// <summary>The text, kept only while the attempt's outcome is open (to look it up or send it again); cleared after.</summary>
    public string? PendingText { get; set; }

    /// <summary>When the resolver should look at this attempt; null once its outcome is settled.</summary>
    public DateTimeOffset? ResolveAfter { get; set; }
}

public static class AttemptOutcomes
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string NotSent = "not-sent";
    public const string Unknown = "unknown";

    /// <summary>The resolver found it at the provider: it was accepted after all.</summary>
    public const string FoundLater = "found-later";

    /// <summary>The resolver learnt the provider never had it.</summary>
    public const string NeverArrived = "never-arrived";

    /// <summary>It could not be settled: the message ended failed-temporary without a resend.</summary>
    public const string Abandoned = "abandoned";
}

/// <summary>A number a provider called invalid: later sends to it fail at once, until an operator clears the flag.</summary>
public sealed class FlaggedContact
{
    public required string Contact { get; set; }

    public required string Account { get; set; }

    public string? Code { get; set; }

    public required string Reason { get; set; }

    public Guid? MessageId { get; set; }

    public DateTimeOffset FlaggedAt { get; set; }
}
