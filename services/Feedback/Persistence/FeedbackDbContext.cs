using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Feedback.Persistence;

public sealed class FeedbackDbContext(DbContextOptions<FeedbackDbContext> options) : ServiceDbContext(options), IStaffSignInStore
{
    public DbSet<Visit> Visits => Set<Visit>();

    public DbSet<FeedbackRequest> Requests => Set<FeedbackRequest>();

    public DbSet<UnrecognisedReply> UnrecognisedReplies => Set<UnrecognisedReply>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Visit>(visit =>
        {
            visit.ToTable("visits");
            visit.HasKey(x => new { x.ClinicId, x.AppointmentId });
            visit.Property(x => x.ClinicId).HasMaxLength(200);
            visit.Property(x => x.AppointmentId).HasMaxLength(200);
            visit.Property(x => x.Status).HasMaxLength(20);
            visit.Property(x => x.ClinicTimeZone).HasMaxLength(64);
            visit.Property(x => x.PatientTimeZone).HasMaxLength(64);
            visit.Property(x => x.Phone).HasMaxLength(20);
            visit.Property(x => x.Email).HasMaxLength(254);
            visit.HasIndex(x => new { x.ClinicId, x.PatientId });
        });

        modelBuilder.Entity<FeedbackRequest>(request =>
        {
            request.ToTable("feedback_requests");
            request.HasKey(x => x.MessageId);
            request.Property(x => x.ClinicId).HasMaxLength(200);
            request.Property(x => x.AppointmentId).HasMaxLength(200);
            request.Property(x => x.PatientId).HasMaxLength(200);
            // One request per visit, whatever arrives twice.
            request.HasIndex(x => new { x.ClinicId, x.AppointmentId }).IsUnique();
            request.HasIndex(x => new { x.ClinicId, x.PatientId });
            request.Property(x => x.Status).HasMaxLength(20).IsConcurrencyToken();
            request.Property(x => x.StatusReason).HasMaxLength(500);
            request.Property(x => x.Scale).HasMaxLength(10);
            request.Property(x => x.TokenHash).HasMaxLength(32);
            request.HasIndex(x => x.TokenHash).IsUnique();
            request.HasIndex(x => x.FollowUpMessageId).IsUnique();
            request.Property(x => x.RatingChannel).HasMaxLength(20);
            request.Property(x => x.ReviewChannel).HasMaxLength(20);
            // The first answer wins: a rating or review written at the same moment by another door fails to save.
            request.Property(x => x.Rating).IsConcurrencyToken();
            request.Property(x => x.Review).HasMaxLength(FeedbackRequest.MaxReviewLength).IsConcurrencyToken();
            request.HasIndex(x => x.DueAt).HasFilter("\"Status\" = 'pending'");
        });

        modelBuilder.AddStaffSignIn();

        modelBuilder.Entity<UnrecognisedReply>(reply =>
        {
            reply.ToTable("unrecognised_replies");
            reply.HasKey(x => x.ReplyId);
            reply.Property(x => x.Channel).HasMaxLength(20);
            reply.Property(x => x.ExpectedReply).HasMaxLength(40);
            reply.Property(x => x.Text).HasMaxLength(4000);
            reply.HasIndex(x => x.RequestMessageId);
        });
    }
}

/// <summary>
/// A visit as the MIS last described it: <c>appointment.completed</c> carries only ids, so the names, contacts, doctor
/// and service come from the booking, the reschedules and <c>patient.updated</c>. <see cref="Version"/> is the MIS's.
/// </summary>
public sealed class Visit
{
    public required string ClinicId { get; set; }

    public required string AppointmentId { get; set; }

    public long Version { get; set; }

    public required string Status { get; set; }

    /// <summary>False for a visit known only from a closing event (completed before its booking arrived).</summary>
    public bool HasDetails { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public string? ClinicName { get; set; }

    public string? ClinicTimeZone { get; set; }

    public string? PatientId { get; set; }

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

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string PatientName => string.Join(' ', new[] { LastName, FirstName, MiddleName }.Where(n => !string.IsNullOrWhiteSpace(n)));
}

public static class VisitStatuses
{
    public const string Booked = "booked";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
    public const string NoShow = "no_show";
}

/// <summary>
/// The one feedback request of a visit, and the patient's answer to it. <see cref="MessageId"/> is the request
/// message's stable id: a reply names it. Skipped requests stay with the reason ("why was this patient not asked?").
/// </summary>
public sealed class FeedbackRequest
{
    public const int MaxReviewLength = 4000;

    public Guid MessageId { get; set; }

    public required string ClinicId { get; set; }

    public required string AppointmentId { get; set; }

    /// <summary>Null while the visit is known only from its closing event; the dispatcher skips it if it stays so.</summary>
    public string? PatientId { get; set; }

    public required string Status { get; set; }

    public string? StatusReason { get; set; }

    /// <summary>The scale the question was asked on (<see cref="Features.Requests.RatingScales"/>).</summary>
    public required string Scale { get; set; }

    public List<string> Channels { get; set; } = [];

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>SHA-256 of the page link's token; the token itself is only in the message.</summary>
    public byte[]? TokenHash { get; set; }

    public DateTimeOffset? LinkExpiresAt { get; set; }

    public int? Rating { get; set; }

    public DateTimeOffset? RatedAt { get; set; }

    /// <summary>Where the rating came from: a channel (<c>sms</c>, …) or <c>page</c>.</summary>
    public string? RatingChannel { get; set; }

    public string? Review { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewChannel { get; set; }

    /// <summary>The message that asked for a few words after a rating by reply.</summary>
    public Guid? FollowUpMessageId { get; set; }

    public DateTimeOffset? AlertedAt { get; set; }
}

public static class RequestStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Skipped = "skipped";
}

/// <summary>A reply to a feedback message that was not an answer Feedback reads; handed to the clinic, never guessed.</summary>
public sealed class UnrecognisedReply
{
    public Guid ReplyId { get; set; }

    public Guid? RequestMessageId { get; set; }

    public required string Channel { get; set; }

    public string? ExpectedReply { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
