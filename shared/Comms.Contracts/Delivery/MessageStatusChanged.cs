namespace Comms.Contracts.Delivery;

/// <summary>A gateway's message moved to a new status (see <see cref="MessageStatuses"/>).</summary>
/// <param name="Cause">A <see cref="StatusCauses"/> value when a program needs to know why, else null.</param>
/// <param name="Contact">Normalized contact the message went (or would have gone) to: the consent ledger's evidence
/// lists every message sent under a consent by it.</param>
public sealed record MessageStatusChanged(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Channel,
    string Status,
    string? Reason,
    string? Provider,
    DateTimeOffset OccurredAt,
    string? Contact = null,
    string? Cause = null,
    decimal? Cost = null,
    string? Currency = null);

/// <summary>
/// Why a message ended as it did, in a form a program may act on (the reason is for people). Scheduling's channel
/// fallback reads it: it moves to the next channel only when the message surely did not reach the patient.
/// </summary>
public static class StatusCauses
{
    /// <summary>The patient has no contact for the channel (no phone, no email, no linked messenger account).</summary>
    public const string NoContact = "no-contact";

    /// <summary>No published template for the channel and locale, or it could not be rendered.</summary>
    public const string NoTemplate = "no-template";

    /// <summary>The message's <c>NotAfter</c> passed before any provider was handed it: it can never be delivered.</summary>
    public const string Deadline = "deadline";

    /// <summary>A provider may have taken the message but could not say (a call cut off, a gateway stopped mid-call):
    /// it may still arrive, so nothing may be sent in its place.</summary>
    public const string OutcomeUnknown = "outcome-unknown";

    /// <summary>Blocked by the consent gate: no consent on record for the contact, channel and purpose.</summary>
    public const string NoConsent = "no-consent";

    /// <summary>Blocked by the consent gate: the patient opted out of the channel ("СТОП", an unsubscribe link, a
    /// carrier stop-list, a blocked bot).</summary>
    public const string OptedOut = "opted-out";

    /// <summary>Blocked by the consent gate: the consent on record was revoked.</summary>
    public const string ConsentRevoked = "consent-revoked";

    /// <summary>Blocked by the consent gate: the message named no purpose it knows (<see cref="Purposes"/>).</summary>
    public const string UnknownPurpose = "unknown-purpose";
}
