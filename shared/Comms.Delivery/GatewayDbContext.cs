using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery;

/// <summary>
/// What every gateway stores: its messages with their status history, and its local projection of the consent
/// ledger that the gate reads before each provider call.
/// </summary>
public abstract class GatewayDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public DbSet<OutgoingMessage> Messages => Set<OutgoingMessage>();

    public DbSet<MessageStatusEntry> MessageStatusHistory => Set<MessageStatusEntry>();

    public DbSet<ConsentState> ConsentStates => Set<ConsentState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<OutgoingMessage>(message =>
        {
            message.ToTable("messages");
            message.HasKey(x => x.MessageId);
            message.Property(x => x.Channel).HasMaxLength(20);
            message.Property(x => x.ClinicId).HasMaxLength(200);
            message.Property(x => x.PatientId).HasMaxLength(200);
            message.Property(x => x.AppointmentId).HasMaxLength(200);
            message.Property(x => x.Contact).HasMaxLength(254);
            message.Property(x => x.Purpose).HasMaxLength(20);
            message.Property(x => x.TemplateKey).HasMaxLength(200);
            message.Property(x => x.ExpectedReply).HasMaxLength(40);
            message.Property(x => x.Status).HasMaxLength(20);
            message.Property(x => x.Reason).HasMaxLength(1000);
            message.Property(x => x.Cause).HasMaxLength(40);
            message.Property(x => x.Provider).HasMaxLength(40);
            message.Property(x => x.ProviderMessageId).HasMaxLength(200);
            message.HasIndex(x => new { x.Provider, x.ProviderMessageId });
            message.HasIndex(x => new { x.Contact, x.CreatedAt });
            message.HasIndex(x => new { x.ClinicId, x.AcceptedAt });
            message.Property(x => x.Cost).HasPrecision(12, 4);
            message.Property(x => x.Currency).HasMaxLength(3);
            message.HasMany(x => x.History).WithOne().HasForeignKey(x => x.MessageId);
        });

        modelBuilder.Entity<MessageStatusEntry>(entry =>
        {
            entry.ToTable("message_status_history");
            entry.HasKey(x => x.Id);
            entry.Property(x => x.Id).UseIdentityAlwaysColumn();
            entry.Property(x => x.Status).HasMaxLength(20);
            entry.Property(x => x.Reason).HasMaxLength(1000);
        });

        modelBuilder.Entity<ConsentState>(consent =>
        {
            consent.ToTable("consent_projection");
            consent.HasKey(x => new { x.Contact, x.Channel, x.Purpose });
            consent.Property(x => x.Contact).HasMaxLength(254);
            consent.Property(x => x.Channel).HasMaxLength(20);
            consent.Property(x => x.Purpose).HasMaxLength(20);
            consent.Property(x => x.Method).HasMaxLength(40);
            consent.Property(x => x.ClinicId).HasMaxLength(200);
        });
    }
}
