using System.Text.RegularExpressions;
using Comms.Templating.Persistence;

namespace Comms.Templating.Features.Authoring;

/// <param name="Name">The dotted path a template writes, e.g. "patient.firstName".</param>
public sealed record ModelVariable(string Name, string Type, string Description, string Sample);

/// <summary>
/// The variables a template of a key can use, shown beside the editor and used as the sample model a draft is rendered
/// with before it is published.
/// </summary>
public static partial class AuthoringModel
{
    private static readonly IReadOnlyList<ModelVariable> Known =
    [
        new("patient.firstName", "string", "Имя пациента (может отсутствовать)", "Анна"),
        new("patient.middleName", "string", "Отчество пациента (может отсутствовать)", "Сергеевна"),
        new("appointment.date", "string", "Дата приёма, ДД.ММ.ГГГГ", "25.11.2026"),
        new("appointment.time", "string", "Время приёма, ЧЧ:ММ, время клиники", "10:30"),
        new("clinic.name", "string", "Название клиники", "Клиника на Ленина"),
        new("clinic.address", "string", "Адрес клиники", "ул. Ленина, 5"),
        new("clinic.phone", "string", "Телефон клиники", "+7 495 123-45-67"),
        new("feedback.link", "string", "Ссылка на страницу отзыва (если Feedback её даёт)", "https://example.ru/f/abc123"),
    ];

    /// <summary>
    /// The variables of a key. Until the rendering feature has a catalog per key (TemplateModels.For(key)), these are
    /// the variables the shipped templates of that key use, or every known variable for a key with no shipped text.
    /// Swap this one method for the catalog.
    /// </summary>
    public static IReadOnlyList<ModelVariable> VariablesFor(string key)
    {
        var used = TemplateSeed.All
            .Where(t => t.Key == key)
            .SelectMany(t => new[] { t.Body, t.Subject, t.Html })
            .Where(text => text is not null)
            .SelectMany(text => VariablePattern().Matches(text!).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
        return used.Count == 0
            ? Known
            : [.. Known.Where(v => used.Contains(v.Name)), .. used.Where(n => Known.All(v => v.Name != n)).Order().Select(n => new ModelVariable(n, "string", "", ""))];
    }

    /// <summary>A filled-in model for rendering a draft of the key: the key's variables and every other known one.</summary>
    public static Dictionary<string, string?> SampleFor(string key)
    {
        var model = Known.ToDictionary(v => v.Name, v => (string?)v.Sample, StringComparer.Ordinal);
        foreach (var variable in VariablesFor(key).Where(v => v.Sample.Length > 0))
        {
            model[variable.Name] = variable.Sample;
        }

        return model;
    }

    [GeneratedRegex(@"\b(patient|appointment|clinic|doctor|service|feedback)\.[A-Za-z]+\b")]
    private static partial Regex VariablePattern();
}
