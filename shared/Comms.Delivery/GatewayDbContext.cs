using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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

    /// <summary>A transaction begun for this unit of work by <see cref="JoinOrBeginTransactionAsync"/>: the next SaveChanges commits it.</summary>
    private IDbContextTransaction? _unitOfWork;

    /// <summary>
    /// Makes sure what follows runs in a transaction: the caller's own when it began one (it commits), else one begun
    /// here that the next SaveChanges commits, or that ends rolled back when SaveChanges fails or never comes. A
    /// transaction-scoped lock taken after this lasts until the unit of work's changes are committed.
    /// </summary>
    /// <returns>True when it began the transaction.</returns>
    internal async Task<bool> JoinOrBeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (Database.CurrentTransaction is not null)
        {
            return false;
        }

        _unitOfWork = await Database.BeginTransactionAsync(cancellationToken);
        return true;
    }

    /// <summary>Rolls back the transaction <see cref="JoinOrBeginTransactionAsync"/> began, when what it was for failed.</summary>
    internal async Task AbandonTransactionAsync()
    {
        if (_unitOfWork is { } transaction)
        {
            _unitOfWork = null;
            await transaction.DisposeAsync();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (_unitOfWork is not { } transaction)
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        _unitOfWork = null;
        using (transaction)
        {
            var saved = base.SaveChanges(acceptAllChangesOnSuccess: false);
            transaction.Commit();
            if (acceptAllChangesOnSuccess)
            {
                ChangeTracker.AcceptAllChanges();
            }

            return saved;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_unitOfWork is not { } transaction)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        _unitOfWork = null;
        await using (transaction)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (acceptAllChangesOnSuccess)
            {
                ChangeTracker.AcceptAllChanges();
            }

            return saved;
        }
    }

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
