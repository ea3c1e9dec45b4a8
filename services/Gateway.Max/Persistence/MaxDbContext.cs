using Comms.Delivery;
using Comms.Delivery.Attempts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Max.Persistence;

public sealed class MaxDbContext(DbContextOptions<MaxDbContext> options) : GatewayDbContext(options)
{
    public DbSet<LinkRequest> LinkRequests => Set<LinkRequest>();

    public DbSet<MaxLink> Links => Set<MaxLink>();

    public DbSet<SendAttempt> SendAttempts => Set<SendAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<LinkRequest>(request =>
        {
            request.ToTable("link_requests");
            request.HasKey(x => x.LinkId);
            request.Property(x => x.ClinicId).HasMaxLength(200);
            request.Property(x => x.PatientId).HasMaxLength(200);
            request.Property(x => x.UsedByUserId).HasMaxLength(20);
        });

        modelBuilder.Entity<MaxLink>(link =>
        {
            link.ToTable("links");
            link.HasKey(x => new { x.ClinicId, x.PatientId });
            link.Property(x => x.ClinicId).HasMaxLength(200);
            link.Property(x => x.PatientId).HasMaxLength(200);
            link.Property(x => x.UserId).HasMaxLength(20);
            link.HasIndex(x => x.UserId);
        });

        modelBuilder.Entity<SendAttempt>(attempt =>
        {
            attempt.ToTable("send_attempts");
            attempt.HasKey(x => x.Id);
            attempt.Property(x => x.Id).UseIdentityAlwaysColumn();
            attempt.Property(x => x.Form).HasMaxLength(20);
            attempt.Property(x => x.Outcome).HasMaxLength(20);
            attempt.Property(x => x.Reason).HasMaxLength(1000);
            attempt.Property(x => x.ProviderMessageId).HasMaxLength(200);
            attempt.HasIndex(x => new { x.MessageId, x.Number }).IsUnique();
            attempt.HasIndex(x => x.ProviderMessageId);
            attempt.HasIndex(x => x.ResolveAfter).HasFilter("\"ResolveAfter\" IS NOT NULL");
        });
    }
}

/// <summary>A personal link handed out for one patient of one clinic; its signed token names it. Used once.</summary>
public sealed class LinkRequest
{
    public Guid LinkId { get; set; }

    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The MAX user who opened it; a second user with the same link (it was passed on) is refused.</summary>
    public string? UsedByUserId { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A patient's MAX account, linked through their personal link: where the clinic's messages to them go.</summary>
public sealed class MaxLink
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    /// <summary>The MAX user id (digits): the channel's contact in the consent ledger.</summary>
    public required string UserId { get; set; }

    /// <summary>The dialog between the bot and the user.</summary>
    public long? ChatId { get; set; }

    public Guid LinkId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>
/// One call to the Bot API for one message, committed before the call: nothing goes to MAX without an attempt on
/// record, and an attempt left open by a crash says the outcome is unknown.
/// </summary>
public sealed class SendAttempt : ISendAttempt
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>1, 2, … within the message.</summary>
    public int Number { get; set; }

    /// <summary>"text" or "buttons".</summary>
    public required string Form { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Null while in flight; then sent, refused, unknown or abandoned (the gateway stopped during the call).</summary>
    public string? Outcome { get; set; }

    public int? HttpStatus { get; set; }

    public string? Reason { get; set; }

    /// <summary>The message's <c>mid</c> at MAX: a tapped button names it.</summary>
    public string? ProviderMessageId { get; set; }

    /// <summary>Set while the call is open: past it, the gateway stopped during the call. Null once the call has an answer.</summary>
    public DateTimeOffset? ResolveAfter { get; set; }
}
