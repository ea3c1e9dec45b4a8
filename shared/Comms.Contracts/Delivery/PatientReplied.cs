namespace Comms.Contracts.Delivery;

/// <summary>
/// A patient answered. The gateway resolves which outstanding message the reply answers: the latest one to that
/// contact that expected a reply.
/// </summary>
public sealed record PatientReplied(
    Guid ReplyId,
    string Channel,
    string Contact,
    string Text,
    Guid? InReplyToMessageId,
    string? ExpectedReply,
    string? ClinicId,
    string? PatientId,
    string? AppointmentId,
    DateTimeOffset ReceivedAt);
