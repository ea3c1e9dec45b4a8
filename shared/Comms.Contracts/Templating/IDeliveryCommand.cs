namespace Comms.Contracts.Templating;

/// <summary>
/// What every rendered message handed to a gateway carries besides its channel's own content (<see cref="SendSms"/>,
/// <see cref="SendEmail"/>, <see cref="SendWhatsApp"/>, <see cref="SendMax"/>): a gateway's intake reads these the same
/// way on every channel. Not a message of its own: nothing is published or consumed as this type.
/// </summary>
public interface IDeliveryCommand
{
    Guid MessageId { get; }

    string ClinicId { get; }

    string? PatientId { get; }

    string? AppointmentId { get; }

    string Purpose { get; }

    string TemplateKey { get; }

    string? ExpectedReply { get; }

    DateTimeOffset? NotAfter { get; }
}
