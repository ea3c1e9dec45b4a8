using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Inbox.Persistence;

public sealed class InboxDbContext(DbContextOptions<InboxDbContext> options) : ServiceDbContext(options), IStaffSignInStore
{
    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ThreadEntry> Entries => Set<ThreadEntry>();

    public DbSet<ConversationNote> Notes => Set<ConversationNote>();

    public DbSet<InboxAuditEntry> Audit => Set<InboxAuditEntry>();

    public DbSet<PatientChannel> Channels => Set<PatientChannel>();

    public DbSet<PatientCard> Patients => Set<PatientCard>();

    public DbSet<PatientAppointment> Appointments => Set<PatientAppointment>();

    public DbSet<ClinicCard> Clinics => Set<ClinicCard>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddStaffSignIn();

        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.HasKey(x => x.Id);
            conversation.Property(x => x.ClinicId).HasMaxLength(200);
            conversation.Property(x => x.PatientId).HasMaxLength(200);
            conversation.Property(x => x.LastInboundChannel).HasMaxLength(20);
            conversation.Property(x => x.Status).HasMaxLength(20);
            conversation.Property(x => x.AssignedTo).HasMaxLength(200);
            conversation.HasIndex(x => new { x.ClinicId, x.PatientId }).IsUnique();
            conversation.HasIndex(x => new { x.ClinicId, x.LastMessageAt });
            conversation.HasIndex(x => new { x.ClinicId, x.LastInboundAt }).HasFilter("\"WaitingSince\" IS NOT NULL");
        });

        modelBuilder.Entity<ThreadEntry>(entry =>
        {
            entry.ToTable("thread_entries");
            entry.HasKey(x => x.Id);
            entry.Property(x => x.ClinicId).HasMaxLength(200);
            entry.Property(x => x.Direction).HasMaxLength(3);
            entry.Property(x => x.Channel).HasMaxLength(20);
            entry.Property(x => x.Text).HasMaxLength(10_000);
            entry.Property(x => x.Kind).HasMaxLength(100);
            entry.Property(x => x.Author).HasMaxLength(200);
            entry.Property(x => x.Status).HasMaxLength(30);
            entry.Property(x => x.StatusReason).HasMaxLength(500);
            entry.Property(x => x.AppointmentId).HasMaxLength(200);
            entry.HasIndex(x => new { x.ConversationId, x.At });
            entry.HasIndex(x => x.At);
        });

        modelBuilder.Entity<ConversationNote>(note =>
        {
            note.ToTable("conversation_notes");
            note.HasKey(x => x.Id);
            note.Property(x => x.Author).HasMaxLength(200);
            note.Property(x => x.Text).HasMaxLength(2000);
            note.HasIndex(x => new { x.ConversationId, x.At });
        });

        modelBuilder.Entity<InboxAuditEntry>(audit =>
        {
            audit.ToTable("inbox_audit");
            audit.HasKey(x => x.Id);
            audit.Property(x => x.ClinicId).HasMaxLength(200);
            audit.Property(x => x.Actor).HasMaxLength(200);
            audit.Property(x => x.Action).HasMaxLength(40);
            audit.Property(x => x.Detail).HasMaxLength(500);
            audit.HasIndex(x => new { x.ConversationId, x.At });
        });

        modelBuilder.Entity<PatientChannel>(channel =>
        {
            channel.ToTable("patient_channels");
            channel.HasKey(x => new { x.ClinicId, x.PatientId, x.Channel });
            channel.Property(x => x.ClinicId).HasMaxLength(200);
            channel.Property(x => x.PatientId).HasMaxLength(200);
            channel.Property(x => x.Channel).HasMaxLength(20);
            channel.Property(x => x.Contact).HasMaxLength(320);
            channel.Property(x => x.Method).HasMaxLength(40);
        });

        modelBuilder.Entity<PatientCard>(patient =>
        {
            patient.ToTable("patients");
            patient.HasKey(x => new { x.ClinicId, x.PatientId });
            patient.Property(x => x.ClinicId).HasMaxLength(200);
            patient.Property(x => x.PatientId).HasMaxLength(200);
            patient.Property(x => x.LastName).HasMaxLength(200);
            patient.Property(x => x.FirstName).HasMaxLength(200);
            patient.Property(x => x.MiddleName).HasMaxLength(200);
            patient.Property(x => x.Phone).HasMaxLength(40);
            patient.Property(x => x.Email).HasMaxLength(320);
        });

        modelBuilder.Entity<PatientAppointment>(appointment =>
        {
            appointment.ToTable("appointments");
            appointment.HasKey(x => new { x.ClinicId, x.AppointmentId });
            appointment.Property(x => x.ClinicId).HasMaxLength(200);
            appointment.Property(x => x.AppointmentId).HasMaxLength(200);
            appointment.Property(x => x.PatientId).HasMaxLength(200);
            appointment.Property(x => x.TimeZone).HasMaxLength(64);
            appointment.Property(x => x.Status).HasMaxLength(20);
            appointment.Property(x => x.Confirmation).HasMaxLength(40);
            appointment.HasIndex(x => new { x.ClinicId, x.PatientId, x.StartsAt });
        });

        modelBuilder.Entity<ClinicCard>(clinic =>
        {
            clinic.ToTable("clinics");
            clinic.HasKey(x => x.ClinicId);
            clinic.Property(x => x.ClinicId).HasMaxLength(200);
            clinic.Property(x => x.Name).HasMaxLength(200);
            clinic.Property(x => x.Address).HasMaxLength(1000);
        });
    }
}
