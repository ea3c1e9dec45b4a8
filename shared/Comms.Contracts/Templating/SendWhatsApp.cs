namespace Comms.Contracts.Templating;

/// <summary>
/// Templating hands a rendered WhatsApp message to Gateway.WhatsApp. The gateway chooses the form: inside the patient's
/// 24-hour window, <paramref name="Text"/> as a free-form message (with reply buttons when <paramref name="ExpectedReply"/>
/// asks for an answer); outside it, the approved template <paramref name="TemplateName"/> with
/// <paramref name="TemplateParameters"/> (rendered, in order) in <paramref name="Locale"/>.
/// </summary>
/// <param name="Phone">E.164, e.g. "+79161234567"; WhatsApp addresses the patient by it.</param>
/// <param name="TemplateName">The name Meta approved; null when the clinic has none for this key (then only a free-form
/// message inside the window can go).</param>
/// <param name="NotAfter">No provider is handed the message after this moment (see ComposeMessage.NotAfter).</param>
public sealed record SendWhatsApp(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Phone,
    string Text,
    string? TemplateName,
    IReadOnlyList<string> TemplateParameters,
    string Locale,
    string Purpose,
    string TemplateKey,
    int TemplateVersion,
    string? ExpectedReply,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotAfter = null) : IDeliveryCommand;
