using Comms.Contracts.Delivery;

namespace Comms.Contracts;

/// <summary>
/// What the codes of the vocabulary mean, in Russian, for the documents and files people read (the consent evidence,
/// exports). Messages and APIs carry the codes; a code this does not know is shown as it is.
/// </summary>
public static class RussianWording
{
    private static readonly Dictionary<string, string> ChannelNames = new(StringComparer.Ordinal)
    {
        [Channels.Sms] = "SMS",
        [Channels.WhatsApp] = "WhatsApp",
        [Channels.Email] = "электронная почта",
        [Channels.Max] = "MAX",
    };

    private static readonly Dictionary<string, string> PurposeNames = new(StringComparer.Ordinal)
    {
        [Purposes.Service] = "сервисные сообщения (напоминания, подтверждения записи, запросы отзывов)",
        [Purposes.Marketing] = "рекламные сообщения (38-ФЗ ст. 18)",
    };

    private static readonly Dictionary<string, string> StatusNames = new(StringComparer.Ordinal)
    {
        [MessageStatuses.Queued] = "в очереди",
        [MessageStatuses.Accepted] = "принято провайдером",
        [MessageStatuses.Sent] = "передано оператору",
        [MessageStatuses.Delivered] = "доставлено",
        [MessageStatuses.FailedPermanent] = "не доставлено (номер недоступен для сообщений)",
        [MessageStatuses.FailedTemporary] = "не доставлено (временная причина)",
        [MessageStatuses.Expired] = "не доставлено (истёк срок доставки)",
        [MessageStatuses.Blocked] = "не отправлено (нет согласия)",
    };

    private static readonly Dictionary<string, string> CauseNames = new(StringComparer.Ordinal)
    {
        [StatusCauses.NoConsent] = "согласия на этот канал и вид сообщений в журнале нет",
        [StatusCauses.OptedOut] = "пациент сам отказался от сообщений по этому каналу",
        [StatusCauses.ConsentRevoked] = "согласие на этот канал и вид сообщений отозвано",
        [StatusCauses.UnknownPurpose] = "в сообщении не указан известный вид сообщений (сервисное или рекламное)",
        [StatusCauses.NoContact] = "у пациента нет контакта для этого канала",
        [StatusCauses.NoTemplate] = "нет опубликованного текста сообщения для этого канала и языка",
        [StatusCauses.Deadline] = "не передано провайдеру до крайнего срока сообщения",
        [StatusCauses.OutcomeUnknown] = "неизвестно, принял ли провайдер сообщение; повторно не отправлялось, чтобы не отправить дважды",
    };

    private static readonly Dictionary<string, string> MethodNames = new(StringComparer.Ordinal)
    {
        ["mis_checkbox"] = "отметка в МИС",
        ["paper_form"] = "письменная форма (бумажный бланк)",
        ["web_form"] = "веб-форма",
        ["reply"] = "ответное сообщение пациента",
        ["email_link"] = "ссылка в письме",
        ["verbal_recorded"] = "устно, с записью разговора",
        ["carrier_stop_list"] = "стоп-лист оператора связи",
        ["messenger_link"] = "личная ссылка на бота клиники в мессенджере",
        ["messenger_blocked"] = "пациент заблокировал бота клиники в мессенджере",
        ["admin"] = "внесено администратором",
    };

    /// <summary>"email" → "электронная почта"; null for a code it does not know.</summary>
    public static string? Channel(string? code) => Find(ChannelNames, code);

    public static string? Purpose(string? code) => Find(PurposeNames, code);

    /// <summary>A <see cref="MessageStatuses"/> value: "blocked" → "не отправлено (нет согласия)".</summary>
    public static string? Status(string? code) => Find(StatusNames, code);

    /// <summary>A <see cref="StatusCauses"/> value: why a message ended as it did.</summary>
    public static string? Cause(string? code) => Find(CauseNames, code);

    /// <summary>A consent method (<see cref="Mis.ConsentMethods"/>, or one a gateway records: "reply", "messenger_blocked").</summary>
    public static string? ConsentMethod(string? code) => Find(MethodNames, code);

    private static string? Find(Dictionary<string, string> names, string? code) =>
        code is not null && names.TryGetValue(code, out var name) ? name : null;
}
