using Comms.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.WhatsApp.Persistence;

public sealed class WhatsAppDbContext(DbContextOptions<WhatsAppDbContext> options) : GatewayDbContext(options)
{
    public DbSet<ConversationWindow> ConversationWindows => Set<ConversationWindow>();

    public DbSet<WhatsAppMessage> WhatsAppMessages => Set<WhatsAppMessage>();

    public DbSet<SendAttempt> SendAttempts => Set<SendAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<ConversationWindow>(window =>
        {
            window.ToTable("conversation_windows");
            window.HasKey(x => new { x.PhoneNumberId, x.Phone });
            window.Property(x => x.PhoneNumberId).HasMaxLength(64);
            window.Property(x => x.Phone).HasMaxLength(32);
        });

        modelBuilder.Entity<WhatsAppMessage>(message =>
        {
            message.ToTable("whatsapp_messages");
            message.HasKey(x => x.MessageId);
            message.Property(x => x.PhoneNumberId).HasMaxLength(64);
            message.Property(x => x.TemplateName).HasMaxLength(512);
            message.Property(x => x.Locale).HasMaxLength(20);
            message.Property(x => x.Form).HasMaxLength(20);
        });

        modelBuilder.Entity<SendAttempt>(attempt =>
        {
            attempt.ToTable("send_attempts");
            attempt.HasKey(x => x.Id);
            attempt.Property(x => x.Id).UseIdentityAlwaysColumn();
            attempt.Property(x => x.Form).HasMaxLength(20);
            attempt.Property(x => x.Outcome).HasMaxLength(20);
            attempt.Property(x => x.Reason).HasMaxLength(1000);
            attempt.Property(x => x.ProviderMessageId).HasMaxLength(200);
            attempt.HasIndex(x => new { x.MessageId, x.Number }).IsUnique();
            attempt.HasIndex(x => x.ProviderMessageId);
            attempt.HasIndex(x => x.ResolveAfter).HasFilter("\"ResolveAfter\" IS NOT NULL");
        });
    }
}

/// <summary>
/// The 24-hour customer service window of one patient with one business number: it opens (again) with every message the
/// patient sends; inside it free-form messages may go, outside it only approved templates.
/// </summary>
public sealed class ConversationWindow
{
    public required string PhoneNumberId { get; set; }

    /// <summary>E.164.</summary>
    public required string Phone { get; set; }

    public DateTimeOffset LastInboundAt { get; set; }
}

/// <summary>What the gateway needs beyond <see cref="Comms.Delivery.Messages.OutgoingMessage"/> to send a WhatsApp message
/// again as a template when Meta reports it outside the window (131047) after taking it.</summary>
public sealed class WhatsAppMessage
{
    public Guid MessageId { get; set; }

    public required string PhoneNumberId { get; set; }

    public string? TemplateName { get; set; }

    /// <summary>Rendered values (patient data): cleared once the message reaches a final status.</summary>
    public List<string> TemplateParameters { get; set; } = [];

    public required string Locale { get; set; }

    /// <summary>The form of the latest attempt: text, buttons, list or template.</summary>
    public string? Form { get; set; }
}

/// <summary>
/// One call to the Cloud API for one message, committed before the call: nothing goes to Meta without an attempt on
/// record, and an attempt left open by a crash says the outcome is unknown.
/// </summary>
public sealed class SendAttempt
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>1, 2, … within the message.</summary>
    public int Number { get; set; }

    public required string Form { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Null while in flight; then one of <see cref="AttemptOutcomes"/>.</summary>
    public string? Outcome { get; set; }

    public int? Code { get; set; }

    public string? Reason { get; set; }

    /// <summary>The wamid Meta gave it.</summary>
    public string? ProviderMessageId { get; set; }

    /// <summary>Set while the call is open: past it, the gateway stopped during the call and the resolver settles the
    /// message. Null once the call has an answer.</summary>
    public DateTimeOffset? ResolveAfter { get; set; }
}

/// <summary>What became of one call to the Cloud API (<see cref="SendAttempt.Outcome"/>).</summary>
public static class AttemptOutcomes
{
    /// <summary>Meta took it: its wamid is the message's.</summary>
    public const string Accepted = "accepted";

    /// <summary>Meta refused it in its answer: nothing went.</summary>
    public const string Refused = "refused";

    /// <summary>No answer that says what became of it (a timeout, a 5xx): never sent again.</summary>
    public const string Unknown = "unknown";

    /// <summary>The gateway stopped during the call; the resolver ended the message.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>Meta took it, then reported it failed outside the window (131047): the template that replaces it is claimed
    /// (once, by the status that set this), and a repeat of that status changes nothing.</summary>
    public const string Failed = "failed";
}
