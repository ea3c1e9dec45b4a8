using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Persistence;

public sealed class AudienceDbContext(DbContextOptions<AudienceDbContext> options) : ServiceDbContext(options), IStaffSignInStore
{
    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Visit> Visits => Set<Visit>();

    public DbSet<AudienceImport> Imports => Set<AudienceImport>();

    public DbSet<AudienceImportRejection> ImportRejections => Set<AudienceImportRejection>();

    public DbSet<SegmentRulesRevision> SegmentRules => Set<SegmentRulesRevision>();

    public DbSet<PatientRating> Ratings => Set<PatientRating>();

    public DbSet<PatientSegment> PatientSegments => Set<PatientSegment>();

    public DbSet<SegmentMove> SegmentMoves => Set<SegmentMove>();

    public DbSet<ChannelConsent> ChannelConsents => Set<ChannelConsent>();

    public DbSet<MessageFact> Messages => Set<MessageFact>();
    /// <summary>The keys of the analytics page's sign-in cookie (staff sign-in, Comms.StaffAccounts).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Patient>(patient =>
        {
            patient.ToTable("patients");
            patient.HasKey(x => new { x.ClinicId, x.PatientId });
            patient.Property(x => x.ClinicId).HasMaxLength(200);
            patient.Property(x => x.PatientId).HasMaxLength(200);
            patient.Property(x => x.Sex).HasMaxLength(10);
            patient.Property(x => x.City).HasMaxLength(200);
            patient.Property(x => x.District).HasMaxLength(200);
            patient.Property(x => x.AcquisitionSource).HasMaxLength(100);
            patient.Property(x => x.ReferredBy).HasMaxLength(200);
        });

        modelBuilder.Entity<Visit>(visit =>
        {
            visit.ToTable("visits");
            visit.HasKey(x => new { x.ClinicId, x.VisitKey });
            visit.Property(x => x.ClinicId).HasMaxLength(200);
            visit.Property(x => x.VisitKey).HasMaxLength(300);
            visit.Property(x => x.PatientId).HasMaxLength(200);
            visit.Property(x => x.Status).HasMaxLength(20);
            visit.Property(x => x.Amount).HasPrecision(14, 2);
            visit.Property(x => x.Discount).HasPrecision(14, 2);
            visit.Property(x => x.ServiceCode).HasMaxLength(200);
            visit.Property(x => x.DoctorId).HasMaxLength(200);
            visit.Property(x => x.Specialty).HasMaxLength(200);
            visit.Property(x => x.CourseId).HasMaxLength(200);
            visit.Property(x => x.CancelledBy).HasMaxLength(20);
            visit.Property(x => x.Source).HasMaxLength(20);
            visit.Property(x => x.TimeZone).HasMaxLength(100);
            visit.HasIndex(x => new { x.ClinicId, x.PatientId, x.Date });
            visit.HasIndex(x => new { x.ClinicId, x.UpdatedAt });
        });

        modelBuilder.Entity<AudienceImport>(import =>
        {
            import.ToTable("imports");
            import.HasKey(x => x.Id);
            import.Property(x => x.ClinicId).HasMaxLength(200);
            import.Property(x => x.Kind).HasMaxLength(20);
            import.Property(x => x.Caller).HasMaxLength(200);
        });

        modelBuilder.Entity<AudienceImportRejection>(rejection =>
        {
            rejection.ToTable("import_rejections");
            rejection.HasKey(x => x.Id);
            rejection.Property(x => x.Id).UseIdentityAlwaysColumn();
            rejection.Property(x => x.Field).HasMaxLength(100);
            rejection.Property(x => x.Reason).HasMaxLength(1000);
            rejection.HasIndex(x => new { x.ImportId, x.Line });
        });

        modelBuilder.Entity<SegmentRulesRevision>(rules =>
        {
            rules.ToTable("segment_rules");
            rules.HasKey(x => new { x.ScopeId, x.Revision });
            rules.Property(x => x.ScopeId).HasMaxLength(200);
            rules.Property(x => x.Document).HasColumnType("jsonb");
            rules.Property(x => x.ChangedBy).HasMaxLength(200);
        });

        modelBuilder.Entity<PatientRating>(rating =>
        {
            rating.ToTable("ratings");
            rating.HasKey(x => x.FeedbackId);
            rating.Property(x => x.FeedbackId).HasMaxLength(200);
            rating.Property(x => x.ClinicId).HasMaxLength(200);
            rating.Property(x => x.PatientId).HasMaxLength(200);
            rating.HasIndex(x => new { x.ClinicId, x.PatientId, x.AnsweredAt });
            rating.HasIndex(x => new { x.ClinicId, x.RecordedAt });
        });

        modelBuilder.Entity<ChannelConsent>(consent =>
        {
            consent.ToTable("channel_consents");
            consent.HasKey(x => new { x.ClinicId, x.PatientId, x.Channel, x.Purpose });
            consent.Property(x => x.ClinicId).HasMaxLength(200);
            consent.Property(x => x.PatientId).HasMaxLength(200);
            consent.Property(x => x.Channel).HasMaxLength(20);
            consent.Property(x => x.Purpose).HasMaxLength(20);
        });

        modelBuilder.Entity<PatientSegment>(segment =>
        {
            segment.ToTable("patient_segments");
            segment.HasKey(x => new { x.ClinicId, x.PatientId });
            segment.Property(x => x.ClinicId).HasMaxLength(200);
            segment.Property(x => x.PatientId).HasMaxLength(200);
            segment.Property(x => x.Segment).HasMaxLength(20);
            segment.Property(x => x.Signals).HasMaxLength(200);
        });

        modelBuilder.Entity<SegmentMove>(move =>
        {
            move.ToTable("segment_moves");
            move.HasKey(x => x.Id);
            move.Property(x => x.Id).UseIdentityAlwaysColumn();
            move.Property(x => x.ClinicId).HasMaxLength(200);
            move.Property(x => x.PatientId).HasMaxLength(200);
            move.Property(x => x.From).HasMaxLength(20);
            move.Property(x => x.To).HasMaxLength(20);
            move.Property(x => x.Reasons).HasColumnType("jsonb");
            move.HasIndex(x => new { x.ClinicId, x.PatientId, x.Id });
        });

        modelBuilder.Entity<MessageFact>(message =>
        {
            message.ToTable("messages");
            message.HasKey(x => x.MessageId);
            message.Property(x => x.ClinicId).HasMaxLength(200);
            message.Property(x => x.PatientId).HasMaxLength(200);
            message.Property(x => x.AppointmentId).HasMaxLength(200);
            message.Property(x => x.TemplateKey).HasMaxLength(200);
            message.Property(x => x.Purpose).HasMaxLength(20);
            message.Property(x => x.Channel).HasMaxLength(20);
            message.Property(x => x.ExpectedReply).HasMaxLength(20);
            message.Property(x => x.Status).HasMaxLength(20);
            message.Property(x => x.Cost).HasPrecision(12, 4);
            message.Property(x => x.Currency).HasMaxLength(3);
            message.Property(x => x.Answer).HasMaxLength(20);
            message.HasIndex(x => new { x.ClinicId, x.RequestedAt });
            message.HasIndex(x => new { x.ClinicId, x.AppointmentId });
        });

        modelBuilder.AddStaffSignIn();
    }
}
