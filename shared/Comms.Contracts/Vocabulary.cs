namespace Comms.Contracts;

/// <summary>Delivery channels. Values travel as these lower-case strings in every message and API.</summary>
public static class Channels
{
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Email = "email";
    public const string Max = "max";

    public static readonly IReadOnlyList<string> All = [Sms, WhatsApp, Email, Max];
}

/// <summary>
/// What a reply to a message answers: its <c>ExpectedReply</c>, given by the service that plans it, carried to the
/// gateways (which offer the matching buttons) and back on <c>PatientReplied</c> to the service that reads the answer.
/// </summary>
public static class ExpectedReplies
{
    /// <summary>1 — confirm, 2 — cancel (Scheduling's confirmation requests).</summary>
    public const string Confirmation = "confirmation";

    /// <summary>A rating from 1 to 5 (Feedback's requests).</summary>
    public const string Rating = "rating";

    /// <summary>A few words about the visit (Feedback's follow-up after a rating).</summary>
    public const string Review = "review";

    /// <summary>1 — take the freed time, 2 — not needed (Audience's waitlist offers).</summary>
    public const string Waitlist = "waitlist";

    public static readonly IReadOnlyList<string> All = [Confirmation, Rating, Review, Waitlist];
}

/// <summary>The template keys the services send under and Templating ships texts for (docs/templates.md).</summary>
public static class TemplateKeys
{
    public const string AppointmentConfirmation = "appointment.confirmation";
    public const string AppointmentReminder = "appointment.reminder";
    public const string AppointmentMissed = "appointment.missed";
    public const string AppointmentRecall = "appointment.recall";
    public const string FeedbackRequest = "feedback.request";
    public const string FeedbackFollowUp = "feedback.followup";
    public const string WaitlistOffer = "waitlist.offer";
    public const string WaitlistClaimed = "waitlist.claimed";
    public const string WaitlistTaken = "waitlist.taken";
    public const string InboxReply = "inbox.reply";
    public const string QuickAddress = "inbox.quick.address";
    public const string QuickPhone = "inbox.quick.phone";
}

/// <summary>Why a message is sent: it decides which consent it needs (126-ФЗ ст. 44.1; 38-ФЗ ст. 18 for marketing).</summary>
public static class Purposes
{
    public const string Service = "service";
    public const string Marketing = "marketing";

    public static readonly IReadOnlyList<string> All = [Service, Marketing];
}

/// <summary>
/// Life of one message at a gateway, the same on every channel and provider. Ranked: queued → accepted → sent → a final
/// status; a gateway never moves a message back down, so late or repeated receipts change nothing.
/// </summary>
public static class MessageStatuses
{
    /// <summary>At the gateway, not yet taken by a provider.</summary>
    public const string Queued = "queued";

    /// <summary>A provider took it (it has the provider's id); the carrier has not confirmed anything yet.</summary>
    public const string Accepted = "accepted";

    /// <summary>The provider handed it to the carrier.</summary>
    public const string Sent = "sent";

    public const string Delivered = "delivered";

    /// <summary>It cannot reach this contact whatever we do (bad number, stop-list, no route, invalid template).</summary>
    public const string FailedPermanent = "failed-permanent";

    /// <summary>It did not go, for a reason that may pass (providers down or out of money, phone unreachable, the
    /// outcome of a call unknown); a later message to the same contact may well arrive.</summary>
    public const string FailedTemporary = "failed-temporary";

    /// <summary>The carrier gave up: the phone was off or out of reach for the message's lifetime.</summary>
    public const string Expired = "expired";

    /// <summary>Not sent: no consent, revoked, or opted out.</summary>
    public const string Blocked = "blocked";

    public static readonly IReadOnlyList<string> All = [Queued, Accepted, Sent, Delivered, FailedPermanent, FailedTemporary, Expired, Blocked];

    public static bool IsFinal(string status) => status is Delivered or FailedPermanent or FailedTemporary or Expired or Blocked;

    /// <summary>0 queued, 1 accepted, 2 sent, 3 any final status: a status may only replace one of a lower rank.</summary>
    public static int Rank(string status) => status switch
    {
        Queued => 0,
        Accepted => 1,
        Sent => 2,
        _ when IsFinal(status) => 3,
        _ => -1,
    };

    public static bool IsFailure(string status) => status is FailedPermanent or FailedTemporary or Expired;
}
