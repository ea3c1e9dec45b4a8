using Comms.Contracts;

namespace Comms.Templating.Persistence;

/// <summary>
/// The Russian texts every installation starts with, as published version 1, chain-wide, by "system" (EF seed data,
/// so a new database gets them with its first migration and an existing one with the migration that adds them).
/// The texts name no diagnosis, doctor or specialty (323-ФЗ ст. 13:
/// even the visit is a medical secret) and promote nothing (38-ФЗ: a reminder with an offer becomes an ad). Each SMS text
/// fits two UCS-2 segments (134 characters) with a usual clinic name, and reads naturally without a first name.
/// </summary>
public static class TemplateSeed
{
    public const string ConfirmationKey = "appointment.confirmation";
    public const string ReminderKey = "appointment.reminder";
    public const string MissedKey = "appointment.missed";
    public const string RecallKey = "appointment.recall";
    public const string FeedbackRequestKey = "feedback.request";
    public const string FeedbackFollowUpKey = "feedback.followup";
    public const string WaitlistOfferKey = "waitlist.offer";
    public const string WaitlistClaimedKey = "waitlist.claimed";
    public const string WaitlistTakenKey = "waitlist.taken";
    public const string InboxReplyKey = "inbox.reply";
    public const string QuickAddressKey = "inbox.quick.address";
    public const string QuickPhoneKey = "inbox.quick.phone";
    public const string SystemAuthor = "system";
    public const string DefaultLocale = "ru";

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

    /// <summary>
    /// After a visit: a rating by one digit (Feedback reads the reply), and the feedback page when Feedback gives a link.
    /// Asks, offers nothing (38-ФЗ), names no service or doctor.
    /// </summary>
    /// <summary>
    /// Two SMS parts either way: with the page link (some 50 characters) the date, the clinic's name (the sender's name
    /// is the clinic's) and the courtesies give way to it.
    /// </summary>
    public const string FeedbackRequestBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}" +
        "{{ if feedback.link }} визит от 1 до 5 (5 — отлично): цифрой в ответ или по ссылке {{ feedback.link }}" +
        "{{ else }}, пожалуйста, визит{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}" +
        ": ответьте цифрой от 1 (плохо) до 5 (отлично). Спасибо!{{ end }}";

    /// <summary>
    /// After a rating by reply: a few words, please, and the clinic's review site, whatever the score (inviting only
    /// the happy patients to review breaks the review sites' rules).
    /// </summary>
    public const string FeedbackFollowUpBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, спасибо{{ else }}Спасибо{{ end }} за оценку" +
        "{{ if clinic.name }}, {{ clinic.name }}{{ end }}! Будем рады паре слов в ответ." +
        "{{ if feedback.reviewLink }} Отзыв: {{ feedback.reviewLink }}{{ end }}";

    /// <summary>
    /// Email: Gateway.Email adds the «Подтвердить» / «Отменить» buttons (signed links) at the end of every confirmation
    /// request itself, whatever the template says, so the text only points at them; a reply with 1 or 2 is read too.
    /// </summary>
    public const string ConfirmationEmailSubject =
        "Подтвердите запись на приём {{ appointment.date }} в {{ appointment.time }}";

    public const string ConfirmationEmailText =
        "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\n" +
        "Вы записаны на приём {{ appointment.date }} в {{ appointment.time }}" +
        "{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.\n\n" +
        "Подтвердите запись или отмените её по ссылке ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить)." +
        "{{ if clinic.phone }}\nПеренести приём можно по телефону {{ clinic.phone }}.{{ end }}";

    // Model values are escaped in HTML: a clinic name with "<" or "&" must not become markup.
    public const string ConfirmationEmailHtml =
        "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n" +
        "<p>Вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>" +
        "{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>\n" +
        "<p>Подтвердите запись или отмените её кнопкой ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).</p>" +
        "{{ if clinic.phone }}\n<p>Перенести приём можно по телефону {{ clinic.phone | html.escape }}.</p>{{ end }}";

    public const string ReminderEmailSubject =
        "Напоминаем о приёме {{ appointment.date }} в {{ appointment.time }}";

    public const string ReminderEmailText =
        "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\n" +
        "Напоминаем, что вы записаны на приём {{ appointment.date }} в {{ appointment.time }}" +
        "{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}." +
        "{{ if clinic.phone }}\n\nЕсли планы изменились, позвоните нам: {{ clinic.phone }}.{{ end }}";

    public const string ReminderEmailHtml =
        "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n" +
        "<p>Напоминаем, что вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>" +
        "{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>" +
        "{{ if clinic.phone }}\n<p>Если планы изменились, позвоните нам: {{ clinic.phone | html.escape }}.</p>{{ end }}";

    /// <summary>MAX: the answer goes by the buttons under the message (typing the digit works too).</summary>
    public const string ConfirmationMaxBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, вы{{ else }}Вы{{ end }} записаны на приём " +
        "{{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}" +
        "{{ if clinic.address }}, {{ clinic.address }}{{ end }}. Подтвердите, пожалуйста, запись или отмените её кнопкой ниже.";

    public const string FeedbackRequestMaxBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}, пожалуйста, визит" +
        "{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}" +
        "{{ if feedback.link }}, по ссылке {{ feedback.link }}{{ else }}: выберите оценку ниже, от 1 (плохо) до 5 (отлично){{ end }}. Спасибо!";

    /// <summary>
    /// A freed slot from the waitlist (the patient asked for it: a service message). The first «1» wins, so the text says
    /// until when; it names no doctor or service.
    /// </summary>
    public const string WaitlistOfferBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, освободилось{{ else }}Освободилось{{ end }} время " +
        "{{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. " +
        "Ответьте 1 до {{ offer.until }}, чтобы записаться; 2 — не нужно.";

    public const string WaitlistOfferMaxBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, освободилось{{ else }}Освободилось{{ end }} время " +
        "{{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}. " +
        "Записаться — кнопкой ниже до {{ offer.until }}: время получит тот, кто ответит первым.";

    public const string WaitlistClaimedBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }} за вами" +
        "{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Клиника оформит запись и пришлёт подтверждение.";

    public const string WaitlistTakenBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }}" +
        "{{ if clinic.name }}, {{ clinic.name }},{{ end }} уже занято. Вы остаётесь в листе ожидания: сообщим, когда освободится другое.";

    public const string WaitlistOfferEmailSubject = "Освободилось время {{ slot.date }} в {{ slot.time }}";

    public const string WaitlistOfferEmailText =
        "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\n" +
        "Освободилось время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}" +
        "{{ if clinic.address }}, {{ clinic.address }}{{ end }} — вы просили сообщить о нём.\n\n" +
        "Чтобы записаться, ответьте на это письмо цифрой 1 до {{ offer.until }}; цифрой 2 — если не нужно. " +
        "Время получит тот, кто ответит первым.";

    public const string WaitlistOfferEmailHtml =
        "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n" +
        "<p>Освободилось время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>" +
        "{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }} — вы просили сообщить о нём.</p>\n" +
        "<p>Чтобы записаться, ответьте на это письмо цифрой 1 до {{ offer.until | html.escape }}; цифрой 2 — если не нужно. " +
        "Время получит тот, кто ответит первым.</p>";

    public const string WaitlistClaimedEmailSubject = "Время {{ slot.date }} в {{ slot.time }} за вами";

    public const string WaitlistClaimedEmailText =
        "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\n" +
        "Время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }} за вами. " +
        "Клиника оформит запись и пришлёт подтверждение.";

    public const string WaitlistClaimedEmailHtml =
        "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n" +
        "<p>Время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }} за вами. " +
        "Клиника оформит запись и пришлёт подтверждение.</p>";

    public const string WaitlistTakenEmailSubject = "Время {{ slot.date }} в {{ slot.time }} уже занято";

    public const string WaitlistTakenEmailText =
        "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\n" +
        "Время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }} уже занято. " +
        "Вы остаётесь в листе ожидания: сообщим, когда освободится другое.";

    public const string WaitlistTakenEmailHtml =
        "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n" +
        "<p>Время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }} уже занято. " +
        "Вы остаётесь в листе ожидания: сообщим, когда освободится другое.</p>";

    /// <summary>A person's reply from the inbox goes as they wrote it.</summary>
    public const string InboxReplyBody = "{{ reply.text }}";

    public const string InboxReplyEmailSubject = "Ответ на ваше сообщение{{ if clinic.name }} — {{ clinic.name }}{{ end }}";

    public const string InboxReplyEmailHtml = "<p>{{ reply.text | html.escape }}</p>";

    /// <summary>The front desk's saved answers (Inbox's quick replies), for a clinic to make its own.</summary>
    public const string QuickAddressBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, мы{{ else }}Мы{{ end }} находимся по адресу: " +
        "{{ if clinic.address }}{{ clinic.address }}{{ else }}уточните у администратора{{ end }}{{ if clinic.name }} ({{ clinic.name }}){{ end }}. Ждём вас!";

    public const string QuickPhoneBody =
        "{{ if patient.firstName }}{{ patient.firstName }}, {{ end }}{{ if clinic.phone }}{{ if patient.firstName }}наш{{ else }}Наш{{ end }} телефон: {{ clinic.phone }}" +
        "{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Звоните, будем рады помочь!" +
        "{{ else }}{{ if patient.firstName }}позвоните{{ else }}Позвоните{{ end }} нам в регистратуру{{ if clinic.name }} ({{ clinic.name }}){{ end }}: будем рады помочь!{{ end }}";

    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<MessageTemplate> All { get; } =
    [
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000001"), ConfirmationKey, ConfirmationBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000002"), ReminderKey, ReminderBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000003"), MissedKey, MissedBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000004"), RecallKey, RecallBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000005"), FeedbackRequestKey, FeedbackRequestBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-00000000000d"), FeedbackFollowUpKey, FeedbackFollowUpBody),
        Email(new Guid("0193f5a0-0000-7000-8000-000000000006"), ConfirmationKey, ConfirmationEmailSubject, ConfirmationEmailText, ConfirmationEmailHtml),
        Email(new Guid("0193f5a0-0000-7000-8000-000000000007"), ReminderKey, ReminderEmailSubject, ReminderEmailText, ReminderEmailHtml),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000008"), Channels.Max, ConfirmationKey, ConfirmationMaxBody),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000009"), Channels.Max, ReminderKey, ReminderBody),
        Text(new Guid("0193f5a0-0000-7000-8000-00000000000a"), Channels.Max, MissedKey, MissedBody),
        Text(new Guid("0193f5a0-0000-7000-8000-00000000000b"), Channels.Max, RecallKey, RecallBody),
        Text(new Guid("0193f5a0-0000-7000-8000-00000000000c"), Channels.Max, FeedbackRequestKey, FeedbackRequestMaxBody),
        Text(new Guid("0193f5a0-0000-7000-8000-00000000000e"), Channels.Max, FeedbackFollowUpKey, FeedbackFollowUpBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-00000000000f"), WaitlistOfferKey, WaitlistOfferBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000010"), WaitlistClaimedKey, WaitlistClaimedBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000011"), WaitlistTakenKey, WaitlistTakenBody),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000012"), Channels.Max, WaitlistOfferKey, WaitlistOfferMaxBody),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000013"), Channels.Max, WaitlistClaimedKey, WaitlistClaimedBody),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000014"), Channels.Max, WaitlistTakenKey, WaitlistTakenBody),
        Email(new Guid("0193f5a0-0000-7000-8000-000000000015"), WaitlistOfferKey, WaitlistOfferEmailSubject, WaitlistOfferEmailText, WaitlistOfferEmailHtml),
        Email(new Guid("0193f5a0-0000-7000-8000-000000000016"), WaitlistClaimedKey, WaitlistClaimedEmailSubject, WaitlistClaimedEmailText, WaitlistClaimedEmailHtml),
        Email(new Guid("0193f5a0-0000-7000-8000-000000000017"), WaitlistTakenKey, WaitlistTakenEmailSubject, WaitlistTakenEmailText, WaitlistTakenEmailHtml),
        Sms(new Guid("0193f5a0-0000-7000-8000-000000000018"), InboxReplyKey, InboxReplyBody),
        Text(new Guid("0193f5a0-0000-7000-8000-000000000019"), Channels.Max, InboxReplyKey, InboxReplyBody),
        Email(new Guid("0193f5a0-0000-7000-8000-00000000001a"), InboxReplyKey, InboxReplyEmailSubject, InboxReplyBody, InboxReplyEmailHtml),
        Sms(new Guid("0193f5a0-0000-7000-8000-00000000001b"), QuickAddressKey, QuickAddressBody),
        Sms(new Guid("0193f5a0-0000-7000-8000-00000000001c"), QuickPhoneKey, QuickPhoneBody),
    ];

    private static MessageTemplate Sms(Guid id, string key, string body) => Text(id, Channels.Sms, key, body);

    private static MessageTemplate Text(Guid id, string channel, string key, string body) => new()
    {
        Id = id,
        Key = key,
        Channel = channel,
        Locale = DefaultLocale,
        Version = 1,
        Body = body,
        Status = TemplateStatuses.Published,
        Author = SystemAuthor,
        CreatedAt = SeededAt,
        PublishedAt = SeededAt,
    };

    private static MessageTemplate Email(Guid id, string key, string subject, string text, string html) => new()
    {
        Id = id,
        Key = key,
        Channel = Channels.Email,
        Locale = DefaultLocale,
        Version = 1,
        Subject = subject,
        Body = text,
        Html = html,
        Status = TemplateStatuses.Published,
        Author = SystemAuthor,
        CreatedAt = SeededAt,
        PublishedAt = SeededAt,
    };
}
