namespace Comms.Inbox.Persistence;

/// <summary>One patient's conversation with one clinic, across every channel.</summary>
public sealed class Conversation
{
    public Guid Id { get; set; }

    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    /// <summary>The channel the patient last wrote on: a reply goes there first.</summary>
    public string? LastInboundChannel { get; set; }

    public DateTimeOffset? LastInboundAt { get; set; }

    public DateTimeOffset LastMessageAt { get; set; }

    /// <summary>Since when the patient waits for a person's answer (their first message after the last reply); null: answered.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    public string Status { get; set; } = ConversationStatuses.Open;

    /// <summary>Who on the front desk has it (a staff account's name); null: nobody yet.</summary>
    public string? AssignedTo { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ConversationStatuses
{
    public const string Open = "open";

    /// <summary>Marked done by the front desk; a new message from the patient opens it again.</summary>
    public const string Done = "done";
}

/// <summary>One message of a conversation: what the patient wrote, or what Comms sent them (with its delivery status).</summary>
public sealed class ThreadEntry
{
    /// <summary>The reply's id (<c>PatientReplied.ReplyId</c>) or the message's (<c>MessageId</c>).</summary>
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public required string ClinicId { get; set; }

    /// <summary><c>in</c> from the patient, <c>out</c> to them.</summary>
    public required string Direction { get; set; }

    public string? Channel { get; set; }

    /// <summary>The text (health information may be in it: 323-ФЗ ст. 13) — removed after <c>Inbox:RetentionDays</c>.</summary>
    public string? Text { get; set; }

    /// <summary><c>patient</c>, <c>staff</c> (a reply from the page) or the template key of what Comms sent.</summary>
    public string? Kind { get; set; }

    /// <summary>The staff account that wrote a reply.</summary>
    public string? Author { get; set; }

    /// <summary>Of a message to the patient: its delivery status (<c>queued</c> … <c>delivered</c>, <c>blocked</c>).</summary>
    public string? Status { get; set; }

    public string? StatusReason { get; set; }

    /// <summary>The patient's message reads as a wish to move or cancel the visit: offered to the front desk as an action, never acted on.</summary>
    public bool RescheduleHint { get; set; }

    /// <summary>An answer Comms itself read (a «1» to a confirmation, a rating): nobody needs to answer it.</summary>
    public bool Automatic { get; set; }

    public string? AppointmentId { get; set; }

    public DateTimeOffset At { get; set; }
}

public static class Directions
{
    public const string In = "in";
    public const string Out = "out";
}

/// <summary>A note of the front desk on a conversation: the patient never sees it.</summary>
public sealed class ConversationNote
{
    public long Id { get; set; }

    public Guid ConversationId { get; set; }

    public required string Author { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>Who did what to a conversation, and when: every opening of a thread, every reply, assignment, note, done.</summary>
public sealed class InboxAuditEntry
{
    public long Id { get; set; }

    public Guid ConversationId { get; set; }

    public required string ClinicId { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public string? Detail { get; set; }

    public DateTimeOffset At { get; set; }
}

public static class InboxActions
{
    public const string Opened = "opened";
    public const string Replied = "replied";
    public const string Assigned = "assigned";
    public const string Noted = "noted";
    public const string Done = "done";
    public const string Reopened = "reopened";
    public const string RescheduleRequested = "reschedule_requested";
}

/// <summary>A patient's contact on a channel and its service consent, as the Consent service tells (ConsentChanged).</summary>
public sealed class PatientChannel
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public required string Channel { get; set; }

    public string? Contact { get; set; }

    public bool Granted { get; set; }

    /// <summary>How it was given or withdrawn (<c>reply</c>: the patient's own «СТОП»).</summary>
    public string? Method { get; set; }

    public long Sequence { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>Who the patient is, as the MIS's events say (only what an event gives is changed).</summary>
public sealed class PatientCard
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public string? LastName { get; set; }

    public string? FirstName { get; set; }

    public string? MiddleName { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An appointment as the MIS's events describe it, and the patient's answer to its confirmation request.</summary>
public sealed class PatientAppointment
{
    public required string ClinicId { get; set; }

    public required string AppointmentId { get; set; }

    public string? PatientId { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public string? TimeZone { get; set; }

    /// <summary><c>booked</c>, <c>cancelled</c>, <c>completed</c> or <c>no_show</c>.</summary>
    public string Status { get; set; } = "booked";

    public long Version { get; set; } = -1;

    /// <summary><c>confirmed</c> or <c>cancellation_requested</c> once the patient answered; null before.</summary>
    public string? Confirmation { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A clinic as its MIS events describe it: the name and address a quick reply names.</summary>
public sealed class ClinicCard
{
    public required string ClinicId { get; set; }

    public string? Name { get; set; }

    public string? Address { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
