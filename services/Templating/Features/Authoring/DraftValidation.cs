using System.Text.RegularExpressions;
using Comms.Contracts;
using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Templating.Features.Authoring;

/// <summary>What a draft must satisfy to be saved, and what a version must satisfy to be published.</summary>
public static partial class DraftValidation
{
    public const int MaxWhatsAppParameters = 20;
    public const int MaxWhatsAppParameterLength = 1_000;

    /// <summary>The template identity in the route and query: key, channel, locale, clinic.</summary>
    public static FieldErrors Identity(string key, string channel, string locale, string? clinicId)
    {
        var errors = new FieldErrors();
        if (key.Length > 100 || !KeyPattern().IsMatch(key))
        {
            errors.Add("key", ErrorCodes.Invalid,
                "Ключ шаблона — от 1 до 100 строчных латинских букв, цифр, «.», «_» или «-», например appointment.reminder.");
        }

        if (!Channels.All.Contains(channel))
        {
            errors.Add("channel", ErrorCodes.Invalid, $"Канал — один из: {string.Join(", ", Channels.All)}.");
        }

        if (!TemplateLocales.IsValid(locale))
        {
            errors.Add("locale", ErrorCodes.Invalid, "Язык — код языка, можно с регионом: ru, en, kk, en-GB.");
        }

        if (clinicId is { Length: > 64 })
        {
            errors.Add("clinicId", ErrorCodes.TooLong, $"Код клиники — не длиннее 64 символов, сейчас {clinicId.Length}.");
        }

        return errors;
    }

    /// <summary>Sizes and which fields the channel has; the text itself may still be unfinished in a draft.</summary>
    public static FieldErrors Draft(string channel, DraftRequest draft)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(draft.Body))
        {
            errors.Add("body", ErrorCodes.Required, $"Заполните поле «{Label("body", channel)}».");
        }
        else
        {
            Limit(errors, "body", channel, draft.Body, MessageTemplateLimits.Body);
        }

        if (channel == Channels.Email)
        {
            Limit(errors, "subject", channel, draft.Subject, MessageTemplateLimits.Subject);
            Limit(errors, "html", channel, draft.Html, MessageTemplateLimits.Html);
        }
        else
        {
            OnlyFor(errors, "subject", draft.Subject, Channels.Email);
            OnlyFor(errors, "html", draft.Html, Channels.Email);
        }

        if (channel == Channels.WhatsApp)
        {
            Limit(errors, "whatsAppTemplateName", channel, draft.WhatsAppTemplateName, 512);
            if (draft.WhatsAppParameters is { Count: > MaxWhatsAppParameters } parameters)
            {
                errors.Add("whatsAppParameters", ErrorCodes.TooMany,
                    $"Параметров шаблона WhatsApp — не больше {MaxWhatsAppParameters}, сейчас {parameters.Count}.");
            }
            else if (draft.WhatsAppParameters?.Any(p => p is null || p.Length > MaxWhatsAppParameterLength) == true)
            {
                errors.Add("whatsAppParameters", ErrorCodes.TooLong,
                    $"Каждый параметр шаблона WhatsApp — текст не длиннее {MaxWhatsAppParameterLength} символов.");
            }
        }
        else
        {
            OnlyFor(errors, "whatsAppTemplateName", draft.WhatsAppTemplateName, Channels.WhatsApp);
            if (draft.WhatsAppParameters is { Count: > 0 })
            {
                errors.Add("whatsAppParameters", ErrorCodes.NotForChannel, "Параметры шаблона бывают только у WhatsApp.");
            }
        }

        return errors;
    }

    /// <summary>
    /// Renders every Scriban field of the version with the key's sample model (<see cref="TemplateModels"/>), strictly: a
    /// name outside the model, a syntax error, an endless loop or any other rendering failure is refused, named by field, with the line and column when the renderer gives them.
    /// </summary>
    public static FieldErrors Publishable(MessageTemplate version, TemplateRenderer renderer)
    {
        var errors = new FieldErrors();
        var model = TemplateModels.For(version.Key).Sample;
        Render(errors, "body", version.Channel, version.Body, renderer, model, version.Key);
        if (version.Channel == Channels.Email)
        {
            if (string.IsNullOrWhiteSpace(version.Subject))
            {
                errors.Add("subject", ErrorCodes.Required, "Заполните поле «Тема письма»: без темы письмо не публикуется.");
            }
            else
            {
                Render(errors, "subject", version.Channel, version.Subject, renderer, model, version.Key);
            }

            if (string.IsNullOrWhiteSpace(version.Html))
            {
                errors.Add("html", ErrorCodes.Required, "Заполните поле «HTML письма»: без него письмо не публикуется.");
            }
            else
            {
                Render(errors, "html", version.Channel, version.Html, renderer, model, version.Key);
            }
        }

        if (version.Channel == Channels.WhatsApp)
        {
            if (version.WhatsAppParameters is { Count: > 0 } && string.IsNullOrWhiteSpace(version.WhatsAppTemplateName))
            {
                errors.Add("whatsAppTemplateName", ErrorCodes.Required,
                    "Укажите имя одобренного шаблона WhatsApp: без него параметры не к чему подставить.");
            }

            for (var i = 0; i < (version.WhatsAppParameters?.Count ?? 0); i++)
            {
                Render(errors, $"whatsAppParameters[{i}]", version.Channel, version.WhatsAppParameters![i], renderer, model, version.Key);
            }
        }

        return errors;
    }

    /// <summary>How the editor names a field: «Текст сообщения», «Тема письма», «Параметр 2 шаблона WhatsApp».</summary>
    public static string Label(string field, string channel) => field switch
    {
        "body" when channel == Channels.Email => "Текст письма без оформления",
        "body" => "Текст сообщения",
        "subject" => "Тема письма",
        "html" => "HTML письма",
        "whatsAppTemplateName" => "Имя одобренного шаблона WhatsApp",
        "whatsAppParameters" => "Параметры шаблона WhatsApp",
        _ when field.StartsWith("whatsAppParameters[", StringComparison.Ordinal) &&
               int.TryParse(field["whatsAppParameters[".Length..^1], out var index) => $"Параметр {index + 1} шаблона WhatsApp",
        _ => field,
    };

    /// <summary>"&lt;input&gt;(1,12) : error : Found …" → "строка 1, столбец 12: Found …"; other messages as they are.</summary>
    public static string WithLineAndColumn(string error) =>
        PositionPattern().Replace(error, m => $"строка {m.Groups["line"].Value}, столбец {m.Groups["column"].Value}: ");

    private static void Render(
        FieldErrors errors, string field, string channel, string? text, TemplateRenderer renderer, IReadOnlyDictionary<string, string?> model, string key)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        // Strict: a name outside the key's model is refused with its line and column, before any patient sees a blank.
        var result = renderer.Render(text, model, key);
        if (!result.Succeeded)
        {
            errors.Add(field, result.Code!, $"«{Label(field, channel)}»: {WithLineAndColumn(result.Message!)}");
        }
    }

    private static void Limit(FieldErrors errors, string field, string channel, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            errors.Add(field, ErrorCodes.TooLong, $"«{Label(field, channel)}» — не длиннее {max} символов, сейчас {length}.");
        }
    }

    private static void OnlyFor(FieldErrors errors, string field, string? value, string channel)
    {
        if (!string.IsNullOrEmpty(value))
        {
            errors.Add(field, ErrorCodes.NotForChannel,
                $"«{Label(field, channel)}» бывает только у шаблона для канала {RussianWording.Channel(channel) ?? channel}.");
        }
    }

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"(?:<[^>]*>|[^\s(;:]*)\((?<line>\d+),(?<column>\d+)\)\s*:\s*error\s*:\s*")]
    private static partial Regex PositionPattern();
}
