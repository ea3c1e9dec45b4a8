using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Persistence;

public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();

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
            record.Property(x => x.CapturedBy).HasMaxLength(200);
            record.HasIndex(x => new { x.Contact, x.Channel, x.Purpose, x.Id });
            record.HasIndex(x => x.SourceEventKey).IsUnique().HasFilter("\"SourceEventKey\" IS NOT NULL");
        });
    }
}
