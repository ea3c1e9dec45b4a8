using Comms.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Email.Persistence;

public sealed class EmailDbContext(DbContextOptions<EmailDbContext> options) : GatewayDbContext(options)
{
    public DbSet<SendAttempt> SendAttempts => Set<SendAttempt>();

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
    }
}

/// <summary>
/// One try at the SMTP relay for one mail, committed before the call: a try left open by a gateway that stopped
/// during the call is settled by the resolver once <see cref="ResolveAfter"/> has passed.
/// </summary>
public sealed class SendAttempt
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
