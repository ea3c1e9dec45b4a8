using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Persistence;

public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();

    public DbSet<MessageLogEntry> MessageLog => Set<MessageLogEntry>();

    public DbSet<ConsentImport> Imports => Set<ConsentImport>();

    public DbSet<ConsentImportRejection> ImportRejections => Set<ConsentImportRejection>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<ConsentRecord>(record =>
        {
            record.ToTable("consent_records");
            record.HasKey(x => x.Id);
            record.Property(x => x.Id).UseIdentityAlwaysColumn();
            record.Property(x => x.ClinicId).HasMaxLength(200);
            record.Property(x => x.PatientId).HasMaxLength(200);
            record.Property(x => x.Contact).HasMaxLength(254);
            record.Property(x => x.ContactKind).HasMaxLength(20);
            record.Property(x => x.Channel).HasMaxLength(20);
            record.Property(x => x.Purpose).HasMaxLength(20);
            record.Property(x => x.Method).HasMaxLength(50);
            record.Property(x => x.Source).HasMaxLength(600);
            record.Property(x => x.SourceEventKey).HasMaxLength(750);
            record.Property(x => x.DocumentRef).HasMaxLength(500);
            record.Property(x => x.WordingVersion).HasMaxLength(200);
            record.Property(x => x.CapturedBy).HasMaxLength(200);
            record.Property(x => x.RecordedBy).HasMaxLength(200);
            record.Property(x => x.Evidence).HasMaxLength(2000);
            record.Property(x => x.IneffectiveReason).HasMaxLength(1000);
            record.HasIndex(x => new { x.Contact, x.Channel, x.Purpose, x.Id });
            record.HasIndex(x => x.SourceEventKey).IsUnique().HasFilter("\"SourceEventKey\" IS NOT NULL");
        });

        modelBuilder.Entity<MessageLogEntry>(entry =>
        {
            entry.ToTable("message_log");
            entry.HasKey(x => x.Id);
            entry.Property(x => x.Id).UseIdentityAlwaysColumn();
            entry.Property(x => x.ClinicId).HasMaxLength(200);
            entry.Property(x => x.PatientId).HasMaxLength(200);
            entry.Property(x => x.AppointmentId).HasMaxLength(200);
            entry.Property(x => x.Contact).HasMaxLength(254);
            entry.Property(x => x.Channel).HasMaxLength(20);
            entry.Property(x => x.Status).HasMaxLength(20);
            entry.Property(x => x.Reason).HasMaxLength(1000);
            entry.Property(x => x.Cause).HasMaxLength(40);
            entry.Property(x => x.Provider).HasMaxLength(100);
            entry.HasIndex(x => new { x.MessageId, x.Status, x.OccurredAt }).IsUnique();
            entry.HasIndex(x => new { x.PatientId, x.ClinicId });
            entry.HasIndex(x => x.Contact).HasFilter("\"Contact\" IS NOT NULL");
        });

        modelBuilder.Entity<ConsentImport>(import =>
        {
            import.ToTable("consent_imports");
            import.HasKey(x => x.Id);
            import.Property(x => x.ClinicId).HasMaxLength(200);
            import.Property(x => x.Status).HasMaxLength(20);
            import.Property(x => x.RequestedBy).HasMaxLength(200);
            import.Property(x => x.FileName).HasMaxLength(500);
            import.Property(x => x.Encoding).HasMaxLength(50);
            import.Property(x => x.Delimiter).HasMaxLength(10);
            import.Property(x => x.Error).HasMaxLength(2000);
            import.HasIndex(x => x.StartedAt);
        });

        modelBuilder.Entity<ConsentImportRejection>(rejection =>
        {
            rejection.ToTable("consent_import_rejections");
            rejection.HasKey(x => x.Id);
            rejection.Property(x => x.Id).UseIdentityAlwaysColumn();
            rejection.Property(x => x.Field).HasMaxLength(100);
            rejection.Property(x => x.Reason).HasMaxLength(1000);
            rejection.HasIndex(x => new { x.ImportId, x.Line });
            rejection.HasOne<ConsentImport>().WithMany().HasForeignKey(x => x.ImportId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
