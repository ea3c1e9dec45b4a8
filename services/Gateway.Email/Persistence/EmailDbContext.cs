using Comms.Delivery;
using Comms.Delivery.Attempts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Email.Persistence;

public sealed class EmailDbContext(DbContextOptions<EmailDbContext> options) : GatewayDbContext(options)
{
    public DbSet<SendAttempt> SendAttempts => Set<SendAttempt>();

    public DbSet<LinkAnswer> LinkAnswers => Set<LinkAnswer>();

    public DbSet<InboundMail> InboundMails => Set<InboundMail>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<SendAttempt>(attempt =>
        {
            attempt.ToTable("send_attempts");
            attempt.HasKey(x => x.Id);
            attempt.Property(x => x.Id).UseIdentityAlwaysColumn();
            attempt.Property(x => x.Outcome).HasMaxLength(20);
            attempt.Property(x => x.Reason).HasMaxLength(1000);
            attempt.HasIndex(x => new { x.MessageId, x.Number }).IsUnique();
            attempt.HasIndex(x => x.ResolveAfter).HasFilter("\"ResolveAfter\" IS NOT NULL");
        });

        modelBuilder.Entity<LinkAnswer>(answer =>
        {
            answer.ToTable("link_answers");
            answer.HasKey(x => x.MessageId);
            answer.Property(x => x.Answer).HasMaxLength(20);
        });

        modelBuilder.Entity<InboundMail>(mail =>
        {
            mail.ToTable("inbound_mails");
            mail.HasKey(x => new { x.Mailbox, x.UidValidity, x.Uid });
            mail.Property(x => x.Mailbox).HasMaxLength(300);
            mail.Property(x => x.MailKey).HasMaxLength(200);
            mail.Property(x => x.Outcome).HasMaxLength(40);
            mail.HasIndex(x => x.MailKey);
        });
    }
}

/// <summary>
/// One try at the SMTP relay for one mail, committed before the call: a try left open by a gateway that stopped
/// during the call is settled by the resolver once <see cref="ResolveAfter"/> has passed.
/// </summary>
public sealed class SendAttempt : ISendAttempt
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>1, 2, … within the message.</summary>
    public int Number { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Null while in flight; then sent, rejected, not-sent, unknown or abandoned (the gateway stopped during the call).</summary>
    public string? Outcome { get; set; }

    public string? Reason { get; set; }

    /// <summary>Set while the call is open; null once it has an answer.</summary>
    public DateTimeOffset? ResolveAfter { get; set; }
}

/// <summary>
/// The answer a patient gave by a link in a confirmation email (one per message): a second click finds it and is told
/// the message was already answered, instead of answering again.
/// </summary>
public sealed class LinkAnswer
{
    public Guid MessageId { get; set; }

    /// <summary>What the link answered, as a reply would: "1" confirms, "2" asks to cancel.</summary>
    public required string Answer { get; set; }

    public DateTimeOffset AnsweredAt { get; set; }
}

/// <summary>
/// One mail the reply reader took from the mailbox, by its place there (folder, UIDVALIDITY, UID), committed in the
/// same transaction as what it published: a replica or a restarted gateway finds it and does not take it again.
/// No address and no text is kept here; what was published carries them.
/// </summary>
public sealed class InboundMail
{
    /// <summary>Which mailbox and folder: "{host}/{user}/{folder}".</summary>
    public required string Mailbox { get; set; }

    public long UidValidity { get; set; }

    public long Uid { get; set; }

    /// <summary>The mail's Message-ID (or a hash of the mail without one): the same mail delivered twice is taken once.</summary>
    public required string MailKey { get; set; }

    /// <summary>What became of it (see ReplyOutcomes): reply, opt-out, unsubscribe, auto-reply, bounce, unknown-sender…</summary>
    public required string Outcome { get; set; }

    /// <summary>Our message it answered, when known.</summary>
    public Guid? MessageId { get; set; }

    /// <summary>When the mailbox received it (IMAP INTERNALDATE).</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
