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

    public DbSet<Campaign> Campaigns => Set<Campaign>();

    public DbSet<CampaignAuditEntry> CampaignAudit => Set<CampaignAuditEntry>();

    public DbSet<CampaignRecipient> CampaignRecipients => Set<CampaignRecipient>();

    public DbSet<Addressee> Addressees => Set<Addressee>();

    public DbSet<ClinicCard> ClinicCards => Set<ClinicCard>();

    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    public DbSet<WaitlistSlot> WaitlistSlots => Set<WaitlistSlot>();

    public DbSet<WaitlistOffer> WaitlistOffers => Set<WaitlistOffer>();

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
            consent.Property(x => x.Contact).HasMaxLength(254);
            consent.Property(x => x.Method).HasMaxLength(40);
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
            // The campaigns' frequency cap: a patient's marketing messages of the last 30 days.
            message.HasIndex(x => new { x.PatientId, x.RequestedAt }).HasFilter("\"Purpose\" = 'marketing'");
            message.HasIndex(x => new { x.ClinicId, x.AppointmentId });
        });

        modelBuilder.Entity<Campaign>(campaign =>
        {
            campaign.ToTable("campaigns");
            campaign.HasKey(x => x.Id);
            campaign.Property(x => x.ScopeId).HasMaxLength(200);
            campaign.Property(x => x.Name).HasMaxLength(200);
            campaign.Property(x => x.Status).HasMaxLength(20);
            campaign.Property(x => x.Definition).HasColumnType("jsonb");
            campaign.Property(x => x.CreatedBy).HasMaxLength(200);
            campaign.Property(x => x.ApprovedBy).HasMaxLength(200);
            campaign.Property(x => x.Revision).IsConcurrencyToken();
            campaign.HasIndex(x => new { x.ScopeId, x.CreatedAt });
            campaign.Property(x => x.Kind).HasMaxLength(20).HasDefaultValue(CampaignKinds.Campaign);
            // One batch per journey and day, whichever replica makes it first.
            campaign.HasIndex(x => new { x.ParentId, x.BatchDay }).IsUnique().HasFilter("\"ParentId\" IS NOT NULL");
        });

        modelBuilder.Entity<CampaignAuditEntry>(entry =>
        {
            entry.ToTable("campaign_audit");
            entry.HasKey(x => x.Id);
            entry.Property(x => x.Id).UseIdentityAlwaysColumn();
            entry.Property(x => x.Actor).HasMaxLength(200);
            entry.Property(x => x.Action).HasMaxLength(20);
            entry.Property(x => x.Detail).HasMaxLength(2000);
            entry.HasIndex(x => new { x.CampaignId, x.Id });
        });

        modelBuilder.Entity<CampaignRecipient>(recipient =>
        {
            recipient.ToTable("campaign_recipients");
            recipient.HasKey(x => new { x.CampaignId, x.ClinicId, x.PatientId });
            recipient.Property(x => x.ClinicId).HasMaxLength(200);
            recipient.Property(x => x.PatientId).HasMaxLength(200);
            recipient.Property(x => x.Group).HasMaxLength(20);
            recipient.Property(x => x.State).HasMaxLength(20);
            recipient.Property(x => x.Reason).HasMaxLength(40);
            recipient.Property(x => x.Channel).HasMaxLength(20);
            recipient.HasIndex(x => x.MessageId).IsUnique();
            // The dispatcher's query: planned rows by due time.
            recipient.HasIndex(x => x.DueAt).HasFilter("\"State\" = 'planned'");
            // The frequency cap and the timeline: a patient's messages across campaigns.
            recipient.HasIndex(x => new { x.PatientId, x.SentAt });
        });

        modelBuilder.Entity<Addressee>(addressee =>
        {
            addressee.ToTable("addressees");
            addressee.HasKey(x => new { x.ClinicId, x.PatientId });
            addressee.Property(x => x.ClinicId).HasMaxLength(200);
            addressee.Property(x => x.PatientId).HasMaxLength(200);
            addressee.Property(x => x.FirstName).HasMaxLength(200);
            addressee.Property(x => x.MiddleName).HasMaxLength(200);
            addressee.Property(x => x.LastName).HasMaxLength(200);
            addressee.Property(x => x.TimeZone).HasMaxLength(64);
        });

        modelBuilder.Entity<ClinicCard>(clinic =>
        {
            clinic.ToTable("clinic_cards");
            clinic.HasKey(x => x.ClinicId);
            clinic.Property(x => x.ClinicId).HasMaxLength(200);
            clinic.Property(x => x.Name).HasMaxLength(200);
            clinic.Property(x => x.Address).HasMaxLength(500);
            clinic.Property(x => x.TimeZone).HasMaxLength(64);
        });

        modelBuilder.Entity<WaitlistEntry>(entry =>
        {
            entry.ToTable("waitlist_entries");
            entry.HasKey(x => new { x.ClinicId, x.EntryId });
            entry.Property(x => x.ClinicId).HasMaxLength(200);
            entry.Property(x => x.EntryId).HasMaxLength(200);
            entry.Property(x => x.PatientId).HasMaxLength(200);
            entry.Property(x => x.DoctorId).HasMaxLength(200);
            entry.Property(x => x.Specialty).HasMaxLength(200);
            entry.Property(x => x.Status).HasMaxLength(20);
            entry.Property(x => x.RemovedReason).HasMaxLength(1000);
            entry.HasIndex(x => new { x.ClinicId, x.Status });
        });

        modelBuilder.Entity<WaitlistSlot>(slot =>
        {
            slot.ToTable("waitlist_slots");
            slot.HasKey(x => x.Id);
            slot.Property(x => x.ClinicId).HasMaxLength(200);
            slot.Property(x => x.MisSlotId).HasMaxLength(200);
            slot.Property(x => x.FreedByAppointmentId).HasMaxLength(200);
            slot.Property(x => x.FreedByPatientId).HasMaxLength(200);
            slot.Property(x => x.DoctorId).HasMaxLength(200);
            slot.Property(x => x.DoctorName).HasMaxLength(200);
            slot.Property(x => x.Specialty).HasMaxLength(200);
            slot.Property(x => x.ServiceCode).HasMaxLength(200);
            slot.Property(x => x.ServiceName).HasMaxLength(200);
            slot.Property(x => x.TimeZone).HasMaxLength(64);
            slot.Property(x => x.Status).HasMaxLength(20);
            slot.Property(x => x.ClaimedEntryId).HasMaxLength(200);
            slot.Property(x => x.ClaimedPatientId).HasMaxLength(200);
            // One open offer of a doctor's time: a slot.freed and the cancellation that freed it are one slot.
            slot.HasIndex(x => new { x.ClinicId, x.DoctorId, x.StartsAt }).IsUnique().HasFilter("\"Status\" = 'open'");
            slot.HasIndex(x => new { x.Status, x.NextAt });
        });

        modelBuilder.Entity<WaitlistOffer>(offer =>
        {
            offer.ToTable("waitlist_offers");
            offer.HasKey(x => x.MessageId);
            offer.Property(x => x.ClinicId).HasMaxLength(200);
            offer.Property(x => x.EntryId).HasMaxLength(200);
            offer.Property(x => x.PatientId).HasMaxLength(200);
            offer.Property(x => x.Channel).HasMaxLength(20);
            offer.Property(x => x.State).HasMaxLength(20);
            offer.HasIndex(x => new { x.SlotId, x.EntryId }).IsUnique();
            offer.HasIndex(x => new { x.ClinicId, x.EntryId, x.State });
        });

        modelBuilder.AddStaffSignIn();
    }
}
