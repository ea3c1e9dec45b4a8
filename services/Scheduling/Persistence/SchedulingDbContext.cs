using Comms.Scheduling.Features.Rules;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Persistence;

public sealed class SchedulingDbContext(DbContextOptions<SchedulingDbContext> options) : ServiceDbContext(options)
{
    /// <summary>
    /// The shadow property of <see cref="Appointment"/> that carries its concurrency token (column <c>xmin</c>): raw SQL
    /// that reads appointments into the model selects it beside <c>a.*</c>.
    /// </summary>
    public const string AppointmentVersion = "RowVersion";

    public DbSet<Appointment> Appointments => Set<Appointment>();

    public DbSet<ScheduledSend> ScheduledSends => Set<ScheduledSend>();

    public DbSet<StoredClinicRules> ClinicRules => Set<StoredClinicRules>();

    public DbSet<ChannelAttempt> ChannelAttempts => Set<ChannelAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Appointment>(appointment =>
        {
            appointment.ToTable("appointments");
            appointment.HasKey(x => new { x.ClinicId, x.AppointmentId });
            appointment.Property(x => x.ClinicId).HasMaxLength(200);
            appointment.Property(x => x.AppointmentId).HasMaxLength(200);
            appointment.Property(x => x.Status).HasMaxLength(20);
            appointment.Property(x => x.ClinicTimeZone).HasMaxLength(64);
            appointment.Property(x => x.PatientTimeZone).HasMaxLength(64);
            appointment.Property(x => x.Phone).HasMaxLength(20);
            appointment.Property(x => x.Email).HasMaxLength(254);
            appointment.Property(x => x.Confirmation).HasMaxLength(40);
            appointment.Property(x => x.DoctorSpecialty).HasMaxLength(200);
            appointment.HasIndex(x => new { x.ClinicId, x.PatientId });
            // The row's version (PostgreSQL's xmin): every writer saves an appointment only as it read it. MIS events
            // about one appointment take turns under its subject lock, but a patient's answer or new details, and the
            // release of a send merged into another appointment's (MergedSends), write it too: the later of two is
            // retried and sees what the first left (an answer does not confirm an appointment cancelled since it was read).
            appointment.Property<uint>(AppointmentVersion).IsRowVersion();
        });

        modelBuilder.Entity<ScheduledSend>(send =>
        {
            send.ToTable("scheduled_sends");
            send.HasKey(x => x.MessageId);
            send.Property(x => x.Kind).HasMaxLength(40);
            send.Property(x => x.TemplateKey).HasMaxLength(200);
            send.Property(x => x.Purpose).HasMaxLength(20);
            // Every change of status is conditional on the status read: a send the dispatcher has just sent can't be
            // marked suppressed by an event applied at the same moment (that event is retried and sees it sent).
            send.Property(x => x.Status).HasMaxLength(20).IsConcurrencyToken();
            send.Property(x => x.StatusReason).HasMaxLength(500);
            send.Property(x => x.DeliveryStatus).HasMaxLength(20);
            send.Property(x => x.DeliveryReason).HasMaxLength(500);
            send.Property(x => x.ExpectedReply).HasMaxLength(40);
            send.Property(x => x.Answer).HasMaxLength(40);
            send.HasIndex(x => new { x.ClinicId, x.AppointmentId });
            // The due dispatcher's query: pending rows by due time.
            send.HasIndex(x => x.DueAt).HasFilter("\"Status\" = 'pending'");
            send.ComplexProperty(x => x.Fallback);
        });

        modelBuilder.Entity<ChannelAttempt>(attempt =>
        {
            attempt.ToTable("channel_attempts");
            attempt.HasKey(x => x.MessageId);
            attempt.Property(x => x.Channel).HasMaxLength(20);
            attempt.Property(x => x.DeliveryStatus).HasMaxLength(20);
            attempt.Property(x => x.DeliveryReason).HasMaxLength(500);
            attempt.Property(x => x.Cause).HasMaxLength(40);
            attempt.HasIndex(x => new { x.SendMessageId, x.Step }).IsUnique();
        });

        modelBuilder.Entity<StoredClinicRules>(rules =>
        {
            rules.ToTable("clinic_rules");
            rules.HasKey(x => x.ClinicId);
            rules.Property(x => x.ClinicId).HasMaxLength(200);
            rules.Property(x => x.Document).HasColumnType("jsonb");
            rules.Property(x => x.UpdatedBy).HasMaxLength(200);
            rules.Property(x => x.Revision).IsConcurrencyToken();
        });
    }
}

/// <summary>An appointment as the MIS last described it; <see cref="Version"/> is the MIS's revision counter.</summary>
public sealed class Appointment
{
    public required string ClinicId { get; set; }

    public required string AppointmentId { get; set; }

    public long Version { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public int? DurationMinutes { get; set; }

    public required string ClinicTimeZone { get; set; }

    public string? ClinicName { get; set; }

    public string? ClinicAddress { get; set; }

    public required string PatientId { get; set; }

    public string? LastName { get; set; }

    public string? FirstName { get; set; }

    public string? MiddleName { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? PatientTimeZone { get; set; }

    public string? DoctorId { get; set; }

    public string? DoctorName { get; set; }

    public string? DoctorSpecialty { get; set; }

    public string? ServiceCode { get; set; }

    public string? ServiceName { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The patient's answer to the confirmation request (<see cref="ConfirmationStatuses"/>), if any.</summary>
    public string? Confirmation { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>The zone texts and send windows use: the patient's when the MIS knows it, else the clinic's.</summary>
    public string EffectiveTimeZone => PatientTimeZone ?? ClinicTimeZone;
}

public static class ConfirmationStatuses
{
    public const string Confirmed = "confirmed";
    public const string CancellationRequested = "cancellation_requested";
}

public static class AppointmentStatuses
{
    public const string Booked = "booked";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
    public const string NoShow = "no_show";
}

/// <summary>
/// One planned message of an appointment. Its id is the stable message id every later step uses to drop repeats.
/// Skipped and suppressed sends stay, with the reason: they answer "why didn't this patient get a reminder?".
/// </summary>
public sealed class ScheduledSend
{
    public Guid MessageId { get; set; }

    public required string ClinicId { get; set; }

    public required string AppointmentId { get; set; }

    public required string Kind { get; set; }

    /// <summary>For sends before the appointment: the rule's offset, which identifies the rule when the rules change.</summary>
    public int? HoursBefore { get; set; }

    public required string TemplateKey { get; set; }

    public required string Purpose { get; set; }

    public List<string> Channels { get; set; } = [];

    public string? ExpectedReply { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public required string Status { get; set; }

    public string? StatusReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    public string? DeliveryStatus { get; set; }

    public string? DeliveryReason { get; set; }

    public DateTimeOffset? DeliveryUpdatedAt { get; set; }

    /// <summary>What the patient answered to this message, when it asked for an answer.</summary>
    public string? Answer { get; set; }

    /// <summary>The message this send went out with: the patient had another appointment within the hour.</summary>
    public Guid? MergedInto { get; set; }

    /// <summary>When to try the next of <see cref="Channels"/>, as the rule said when the send was planned.</summary>
    public ChannelFallback Fallback { get; set; } = new();

    /// <summary>The index in <see cref="Channels"/> of the channel being tried (or to be tried, while pending).</summary>
    public int ChannelStep { get; set; }
}

/// <summary>
/// One channel tried for a send. The first goes with the send's own message id, each later one with an id derived from
/// it and its step (<see cref="Features.Reminders.ChannelSteps.AttemptId"/>), so every gateway drops repeats per channel.
/// </summary>
public sealed class ChannelAttempt
{
    public Guid MessageId { get; set; }

    public Guid SendMessageId { get; set; }

    public int Step { get; set; }

    public required string Channel { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>No provider may be handed this channel's message after it (null: the last channel, or no deadline).</summary>
    public DateTimeOffset? NotAfter { get; set; }

    public string? DeliveryStatus { get; set; }

    public string? DeliveryReason { get; set; }

    public string? Cause { get; set; }

    public DateTimeOffset? DeliveryUpdatedAt { get; set; }
}

/// <summary>A clinic's own reminder rules (a <c>ClinicRules</c> document as JSON); clinics without a row use the defaults.</summary>
public sealed class StoredClinicRules
{
    public required string ClinicId { get; set; }

    public required string Document { get; set; }

    /// <summary>Counts the changes; a PUT may send it back (If-Match) so two editors cannot overwrite each other unseen.</summary>
    public int Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

public static class SendStatuses
{
    public const string Pending = "pending";
    public const string Dispatched = "dispatched";
    public const string Skipped = "skipped";
    public const string Suppressed = "suppressed";
    public const string Merged = "merged";
}
