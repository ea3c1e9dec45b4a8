using Comms.Contracts;
using System.Collections.Frozen;

namespace Comms.Templating.Features.Models;

/// <param name="Name">The dotted name a template uses: <c>{{ patient.firstName }}</c>.</param>
/// <param name="Type">string, date (dd.MM.yyyy), time (HH:mm, or several), datetime (ISO 8601 with the patient's offset), number, url, phone.</param>
/// <param name="Sample">What a preview shows when the marketer gives no model of their own.</param>
public sealed record ModelVariable(string Name, string Type, string Description, string Sample);

/// <summary>
/// The variables a template of one key may use. Every value arrives as a string (ComposeMessage.Model); one that
/// is in the model but unknown for a patient renders empty and is false in <c>if</c>.
/// </summary>
public sealed class TemplateModel
{
    private readonly FrozenSet<string> _names;
    private readonly FrozenSet<string> _objects;

    internal TemplateModel(string key, string? name, bool isCataloged, IReadOnlyList<ModelVariable> variables, bool isMarketing = false)
    {
        Key = key;
        IsMarketing = isMarketing;
        Name = name;
        IsCataloged = isCataloged;
        Variables = variables;
        _names = variables.Select(v => v.Name).ToFrozenSet(StringComparer.Ordinal);
        _objects = variables.SelectMany(v => Prefixes(v.Name)).ToFrozenSet(StringComparer.Ordinal);
        Sample = variables.ToDictionary(v => v.Name, v => (string?)v.Sample, StringComparer.Ordinal);
    }

    public string Key { get; }

    /// <summary>Its messages are advertising (Audience's campaigns and journeys): the preview shows the opt-out line they go with.</summary>
    public bool IsMarketing { get; }

    /// <summary>What the messages of the key are, in Russian, for the marketer ("Напоминание о приёме"); null for a key the catalog does not know.</summary>
    public string? Name { get; }

    /// <summary>False for a key the catalog does not know: only the common variables are offered then.</summary>
    public bool IsCataloged { get; }

    public IReadOnlyList<ModelVariable> Variables { get; }

    /// <summary>A realistic model for previews and benchmarks, keyed as ComposeMessage.Model is.</summary>
    public IReadOnlyDictionary<string, string?> Sample { get; }

    /// <summary>A variable of the model ("patient.firstName") or an object holding some ("patient").</summary>
    public bool Knows(string path) => _names.Contains(path) || _objects.Contains(path);

    internal static IEnumerable<string> Prefixes(string name)
    {
        for (var dot = name.IndexOf('.'); dot > 0; dot = name.IndexOf('.', dot + 1))
        {
            yield return name[..dot];
        }
    }
}

/// <summary>
/// The catalog of template keys — the one place that names each in Russian — and their variables, as Scheduling (services/Scheduling/Features/Reminders/MessageModel.cs),
/// Feedback, Audience and Inbox fill them. The authoring UI lists them; publishing and rendering refuse any other name.
/// </summary>
public static class TemplateModels
{
    public static IReadOnlyList<ModelVariable> Common { get; } =
    [
        new("patient.firstName", "string", "Имя пациента", "Анна"),
        new("patient.middleName", "string", "Отчество пациента", "Сергеевна"),
        new("patient.lastName", "string", "Фамилия пациента", "Иванова"),
        new("clinic.id", "string", "Код клиники в МИС", "msk-1"),
        new("clinic.name", "string", "Название клиники", "Клиника на Ленина"),
        new("clinic.address", "string", "Адрес клиники", "ул. Ленина, 5"),
        new("clinic.phone", "phone", "Телефон клиники (пусто, если МИС его не передаёт)", "+7 495 123-45-67"),
    ];

    private static readonly IReadOnlyList<ModelVariable> Appointment =
    [
        new("appointment.id", "string", "Номер записи в МИС", "A-1001"),
        new("appointment.date", "date", "Дата приёма в зоне пациента, дд.ММ.гггг", "24.11.2026"),
        new("appointment.time", "time", "Время приёма; несколько приёмов в течение часа — через «и»", "10:30"),
        new("appointment.weekday", "string", "День недели приёма", "вторник"),
        new("appointment.startsAt", "datetime", "Начало приёма, ISO 8601 со смещением пациента (для ru.date)", "2026-11-24T10:30:00+03:00"),
        new("appointment.count", "number", "Сколько приёмов в сообщении", "1"),
        new("doctor.name", "string", "Врач (шаблоны по умолчанию его не называют: врачебная тайна)", "Петров П. П."),
        new("service.name", "string", "Услуга (шаблоны по умолчанию её не называют: врачебная тайна)", "Консультация"),
    ];

    private static readonly IReadOnlyList<ModelVariable> Feedback =
    [
        new("appointment.id", "string", "Номер визита в МИС", "A-1001"),
        new("appointment.date", "date", "Дата визита в зоне пациента, дд.ММ.гггг", "24.11.2026"),
        new("appointment.startsAt", "datetime", "Начало визита, ISO 8601 со смещением пациента", "2026-11-24T10:30:00+03:00"),
        new("feedback.link", "url", "Ссылка на оценку визита", "https://r.clinic.example/f/7Hq2"),
        new("feedback.scale", "string", "Шкала оценки: stars5 (1–5) или nps (0–10)", "stars5"),
        new("feedback.min", "number", "Наименьшая оценка шкалы", "1"),
        new("feedback.max", "number", "Наибольшая оценка шкалы", "5"),
    ];

    private static readonly IReadOnlyList<ModelVariable> FeedbackFollowUp =
    [
        .. Feedback,
        new("feedback.rating", "number", "Оценка, которую поставил пациент", "5"),
        new("feedback.reviewSite", "string", "Сайт отзывов клиники (первый из настроенных)", "Яндекс Карты"),
        new("feedback.reviewLink", "url", "Ссылка на отзыв о клинике на этом сайте", "https://yandex.ru/maps/org/1234567890/reviews"),
    ];

    /// <summary>A freed slot offered from the waitlist (Audience, docs/waitlist.md), in the patient's zone.</summary>
    private static readonly IReadOnlyList<ModelVariable> Slot =
    [
        new("slot.date", "date", "Дата освободившегося времени в зоне пациента, дд.ММ.гггг", "24.11.2026"),
        new("slot.time", "time", "Время начала", "10:30"),
        new("slot.weekday", "string", "День недели", "вторник"),
        new("slot.startsAt", "datetime", "Начало, ISO 8601 со смещением пациента (для ru.date)", "2026-11-24T10:30:00+03:00"),
        new("slot.durationMinutes", "number", "Длительность в минутах (пусто, если МИС её не передала)", "30"),
        new("doctor.name", "string", "Врач (шаблоны по умолчанию его не называют: врачебная тайна)", "Петров П. П."),
        new("doctor.specialty", "string", "Специальность врача (шаблоны по умолчанию её не называют)", "Стоматолог-терапевт"),
        new("service.name", "string", "Услуга (шаблоны по умолчанию её не называют)", "Консультация"),
    ];

    private static readonly IReadOnlyList<ModelVariable> SlotOffer =
    [
        .. Slot,
        new("offer.until", "string", "До какого времени ждём ответа: ЧЧ:мм, или дд.ММ ЧЧ:мм, если не сегодня", "12:30"),
    ];

    /// <summary>A person of the front desk answers the patient from the inbox (Inbox, docs/inbox.md).</summary>
    private static readonly IReadOnlyList<ModelVariable> InboxReply =
    [
        new("reply.text", "string", "Текст ответа, как его написал администратор", "Анна, здравствуйте! Клиника на Ленина — ул. Ленина, 5, вход со двора."),
    ];

    private static readonly FrozenDictionary<string, TemplateModel> ByKey = new[]
    {
        Cataloged(TemplateKeys.AppointmentConfirmation, "Подтверждение записи", Appointment),
        Cataloged(TemplateKeys.AppointmentReminder, "Напоминание о приёме", Appointment),
        Cataloged(TemplateKeys.AppointmentMissed, "Пропущенный приём", Appointment),
        Cataloged(TemplateKeys.AppointmentRecall, "Приглашение на плановый визит", Appointment),
        Cataloged(TemplateKeys.FeedbackRequest, "Просьба оценить визит", Feedback),
        Cataloged(TemplateKeys.FeedbackFollowUp, "Благодарность за оценку и ссылка на отзыв", FeedbackFollowUp),
        Cataloged(TemplateKeys.WaitlistOffer, "Предложение освободившегося времени (лист ожидания)", SlotOffer),
        Cataloged(TemplateKeys.WaitlistClaimed, "Время за пациентом (лист ожидания)", Slot),
        Cataloged(TemplateKeys.WaitlistTaken, "Время уже занято (лист ожидания)", Slot),
        Cataloged(TemplateKeys.InboxReply, "Ответ администратора на сообщение пациента", InboxReply),
        // The front desk's saved answers (any key inbox.quick.*: the common variables); these are shipped.
        Cataloged(TemplateKeys.QuickAddress, "Быстрый ответ: адрес и как добраться", []),
        Cataloged(TemplateKeys.QuickPhone, "Быстрый ответ: телефон клиники", []),
        // Audience's campaigns fill the common variables only; a campaign may name any other key too (its variant B).
        Marketing("campaign.offer", "Рекламная рассылка (кампания)"),
        Marketing("campaign.birthday", "Поздравление с днём рождения (сценарий)"),
        Marketing("campaign.reactivation", "Возвращение пациента в зоне риска (сценарий)"),
        Marketing("campaign.course", "Продолжение начатого лечения (сценарий)"),
        Marketing("campaign.recall", "Плановый визит после рекомендованного интервала (сценарий)"),
    }.ToFrozenDictionary(m => m.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Keys => ByKey.Keys;

    /// <summary>The variables of a key; a key the catalog does not know gets the common variables only.</summary>
    public static TemplateModel For(string? key) =>
        key is not null && ByKey.TryGetValue(key, out var model) ? model : new TemplateModel(key ?? "", null, isCataloged: false, Common);

    /// <summary>The keys the catalog knows, by key.</summary>
    public static IReadOnlyList<TemplateModel> All { get; } = [.. ByKey.Values.OrderBy(m => m.Key, StringComparer.Ordinal)];

    private static TemplateModel Marketing(string key, string name) => new(key, name, isCataloged: true, Common, isMarketing: true);

    private static TemplateModel Cataloged(string key, string name, IReadOnlyList<ModelVariable> extras) =>
        new(key, name, isCataloged: true, [.. Common, .. extras]);
}
