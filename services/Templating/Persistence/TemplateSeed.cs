using Comms.Contracts;

namespace Comms.Templating.Persistence;

/// <summary>
/// The Russian SMS texts every installation starts with. They name no diagnosis, doctor or specialty (323-ФЗ ст. 13:
/// even the visit is a medical secret) and promote nothing (38-ФЗ: a reminder with an offer becomes an ad). Each
/// fits two UCS-2 segments (134 characters) with a usual clinic name, and reads naturally without a first name.
/// </summary>
public static class TemplateSeed
{
    public const string ConfirmationKey = "appointment.confirmation";
    public const string ReminderKey = "appointment.reminder";
    public const string MissedKey = "appointment.missed";
    public const string RecallKey = "appointment.recall";

    public const string ConfirmationBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, вы{{ else }}Вы{{ end }} записаны на приём " +
        "{{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. " +
        "Ответьте 1 — подтвердить, 2 — отменить.";

    public const string ReminderBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, напоминаем{{ else }}Напоминаем{{ end }} о приёме " +
        "{{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}" +
        "{{ if clinic.address }}, {{ clinic.address }}{{ end }}.";

    public const string MissedBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, мы{{ else }}Мы{{ end }} не дождались вас на приёме" +
        "{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. " +
        "Если приём ещё нужен, запишитесь снова{{ if clinic.phone }} по тел. {{ clinic.phone }}{{ end }}.";

    /// <summary>A care recall, not an offer: it names no service (the visit is a medical secret) and promotes nothing.</summary>
    public const string RecallBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, подошёл{{ else }}Подошёл{{ end }} срок планового визита, " +
        "рекомендованного после приёма {{ appointment.date }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. " +
        "Запишитесь{{ if clinic.phone }} по тел. {{ clinic.phone }}{{ end }}, пожалуйста.";

    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<MessageTemplate> All { get; } =
    [
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000001"), ConfirmationKey, ConfirmationBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000002"), ReminderKey, ReminderBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000003"), MissedKey, MissedBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000004"), RecallKey, RecallBody),
    ];

    private static MessageTemplate Sms(Guid id, string key, string body) => new()
    {
        Id = id,
        Key = key,
        Channel = Channels.Sms,
        Locale = "ru",
        Version = 1,
        Body = body,
        Status = TemplateStatuses.Published,
        CreatedAt = SeededAt,
        PublishedAt = SeededAt,
    };
}
