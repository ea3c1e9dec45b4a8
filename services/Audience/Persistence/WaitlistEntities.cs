namespace Comms.Audience.Persistence;

/// <summary>A patient on the clinic's waitlist (MIS <c>waitlist.added</c>): who, for which doctor or specialty, when.</summary>
public sealed class WaitlistEntry
{
    public required string ClinicId { get; set; }

    /// <summary>The MIS's id of the entry (<c>data.entryId</c>).</summary>
    public required string EntryId { get; set; }

    public required string PatientId { get; set; }

    public string? DoctorId { get; set; }

    public string? Specialty { get; set; }

    public DateTimeOffset WantedFrom { get; set; }

    public DateTimeOffset WantedTo { get; set; }

    /// <summary>Since when the patient waits: the MIS's <c>addedAt</c>, else the event's time, else its receipt.</summary>
    public DateTimeOffset AddedAt { get; set; }

    public string Status { get; set; } = WaitlistEntryStatuses.Waiting;

    public string? RemovedReason { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class WaitlistEntryStatuses
{
    /// <summary>On the list: offered the slots that match.</summary>
    public const string Waiting = "waiting";

    /// <summary>Won a slot: offered nothing more (the MIS books it and takes the entry off the list).</summary>
    public const string Claimed = "claimed";

    /// <summary>Taken off the list by the MIS (<c>waitlist.removed</c>).</summary>
    public const string Removed = "removed";
}

/// <summary>A freed slot offered to the waitlist, a group at a time, until one patient claims it or it is too late.</summary>
public sealed class WaitlistSlot
{
    public Guid Id { get; set; }

    public required string ClinicId { get; set; }

    /// <summary>The MIS's id of the slot (<c>slot.freed</c>'s <c>slotId</c>), when it gave one.</summary>
    public string? MisSlotId { get; set; }

    /// <summary>The cancelled appointment that freed it, when it came from <c>appointment.cancelled</c>.</summary>
    public string? FreedByAppointmentId { get; set; }

    /// <summary>The patient whose cancellation freed it: never offered their own time back.</summary>
    public string? FreedByPatientId { get; set; }

    public required string DoctorId { get; set; }

    public string? DoctorName { get; set; }

    public string? Specialty { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public int? DurationMinutes { get; set; }

    public string? ServiceCode { get; set; }

    public string? ServiceName { get; set; }

    /// <summary>The clinic's zone: the time in the texts and the send window.</summary>
    public required string TimeZone { get; set; }

    public string Status { get; set; } = WaitlistSlotStatuses.Open;

    /// <summary>How many groups it has been offered to.</summary>
    public int Round { get; set; }

    /// <summary>When the runner looks at it next: the current group's offers expire (or, with nobody to offer, a look again).</summary>
    public DateTimeOffset NextAt { get; set; }

    public string? ClaimedEntryId { get; set; }

    public string? ClaimedPatientId { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class WaitlistSlotStatuses
{
    public const string Open = "open";

    /// <summary>A patient answered «1» first: <c>slot.claimed</c> went to the MIS.</summary>
    public const string Claimed = "claimed";

    /// <summary>Nobody claimed it before the minimum notice before its start.</summary>
    public const string Unfilled = "unfilled";
}

/// <summary>One patient's offer of one slot: the message that asked, and how it ended.</summary>
public sealed class WaitlistOffer
{
    /// <summary>The offer's message (ComposeMessage.MessageId): the patient's reply names it.</summary>
    public Guid MessageId { get; set; }

    public Guid SlotId { get; set; }

    public required string ClinicId { get; set; }

    public required string EntryId { get; set; }

    public required string PatientId { get; set; }

    public int Round { get; set; }

    public required string Channel { get; set; }

    public string State { get; set; } = WaitlistOfferStates.Offered;

    public DateTimeOffset OfferedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>The consent record the offer went under (the ledger's sequence), for the evidence.</summary>
    public long ConsentSequence { get; set; }

    /// <summary>The follow-up message ("it is yours" or "it is taken"), when one went.</summary>
    public Guid? FollowUpMessageId { get; set; }
}

public static class WaitlistOfferStates
{
    /// <summary>Sent; no answer yet.</summary>
    public const string Offered = "offered";

    /// <summary>Answered «1» first: the slot is theirs.</summary>
    public const string Won = "won";

    /// <summary>Another patient claimed it: told so.</summary>
    public const string Taken = "taken";

    /// <summary>Answered «2»: not offered this slot again.</summary>
    public const string Declined = "declined";

    /// <summary>No answer in time: the next group was offered it.</summary>
    public const string Expired = "expired";
}
