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
    public static Dictionary<string, string[]> Identity(string key, string channel, string locale, string? clinicId)
    {
        var errors = new Dictionary<string, string[]>();
        if (key.Length > 100 || !KeyPattern().IsMatch(key))
        {
            errors["key"] = ["must be 1-100 lower-case letters, digits, '.', '_' or '-', e.g. appointment.reminder"];
        }

        if (!Channels.All.Contains(channel))
        {
            errors["channel"] = [$"must be one of {string.Join(", ", Channels.All)}"];
        }

        if (!TemplateLocales.IsValid(locale))
        {
            errors["locale"] = ["must be a language code, optionally with a region: ru, en, kk, en-GB"];
        }

        if (clinicId is { Length: > 64 })
        {
            errors["clinicId"] = ["must be at most 64 characters"];
        }

        return errors;
    }

    /// <summary>Sizes and which fields the channel has; the text itself may still be unfinished in a draft.</summary>
    public static Dictionary<string, string[]> Draft(string channel, DraftRequest draft)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(draft.Body))
        {
            errors["body"] = ["is required"];
        }
        else if (draft.Body.Length > MessageTemplateLimits.Body)
        {
            errors["body"] = [$"must be at most {MessageTemplateLimits.Body} characters, not {draft.Body.Length}"];
        }

        if (channel == Channels.Email)
        {
            Limit(errors, "subject", draft.Subject, MessageTemplateLimits.Subject);
            Limit(errors, "html", draft.Html, MessageTemplateLimits.Html);
        }
        else
        {
            OnlyFor(errors, "subject", draft.Subject, Channels.Email);
            OnlyFor(errors, "html", draft.Html, Channels.Email);
        }

        if (channel == Channels.WhatsApp)
        {
            Limit(errors, "whatsAppTemplateName", draft.WhatsAppTemplateName, 512);
            if (draft.WhatsAppParameters is { Count: > MaxWhatsAppParameters })
            {
                errors["whatsAppParameters"] = [$"must be at most {MaxWhatsAppParameters} parameters"];
            }
            else if (draft.WhatsAppParameters?.Any(p => p is null || p.Length > MaxWhatsAppParameterLength) == true)
            {
                errors["whatsAppParameters"] = [$"each must be a text of at most {MaxWhatsAppParameterLength} characters"];
            }
        }
        else
        {
            OnlyFor(errors, "whatsAppTemplateName", draft.WhatsAppTemplateName, Channels.WhatsApp);
            if (draft.WhatsAppParameters is { Count: > 0 })
            {
                errors["whatsAppParameters"] = [$"only a {Channels.WhatsApp} template has them"];
            }
        }

        return errors;
    }

    /// <summary>
    /// Renders every Scriban field of the version with the key's sample model (<see cref="TemplateModels"/>), strictly: a
    /// name outside the model, a syntax error, an endless loop or any other rendering failure is refused, named by field, with the line and column when the renderer gives them.
    /// </summary>
    public static Dictionary<string, string[]> Publishable(MessageTemplate version, TemplateRenderer renderer)
    {
        var errors = new Dictionary<string, string[]>();
        var model = TemplateModels.For(version.Key).Sample;
        Render(errors, "body", version.Body, renderer, model, version.Key);
        if (version.Channel == Channels.Email)
        {
            if (string.IsNullOrWhiteSpace(version.Subject))
            {
                errors["subject"] = ["is required for an email"];
            }
            else
            {
                Render(errors, "subject", version.Subject, renderer, model, version.Key);
            }

            if (string.IsNullOrWhiteSpace(version.Html))
            {
                errors["html"] = ["is required for an email"];
            }
            else
            {
                Render(errors, "html", version.Html, renderer, model, version.Key);
            }
        }

        if (version.Channel == Channels.WhatsApp)
        {
            if (version.WhatsAppParameters is { Count: > 0 } && string.IsNullOrWhiteSpace(version.WhatsAppTemplateName))
            {
                errors["whatsAppTemplateName"] = ["is required when the template has parameters"];
            }

            for (var i = 0; i < (version.WhatsAppParameters?.Count ?? 0); i++)
            {
                Render(errors, $"whatsAppParameters[{i}]", version.WhatsAppParameters![i], renderer, model, version.Key);
            }
        }

        return errors;
    }

    /// <summary>"&lt;input&gt;(1,12) : error : Found …" → "строка 1, столбец 12: Found …"; other messages as they are.</summary>
    public static string WithLineAndColumn(string error) =>
        PositionPattern().Replace(error, m => $"строка {m.Groups["line"].Value}, столбец {m.Groups["column"].Value}: ");

    private static void Render(
        Dictionary<string, string[]> errors, string field, string? text, TemplateRenderer renderer, IReadOnlyDictionary<string, string?> model, string key)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        // Strict: a name outside the key's model is refused with its line and column, before any patient sees a blank.
        var result = renderer.Render(text, model, key);
        if (!result.Succeeded)
        {
            errors[field] = [WithLineAndColumn(result.Error!)];
        }
    }

    private static void Limit(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            errors[field] = [$"must be at most {max} characters, not {length}"];
        }
    }

    private static void OnlyFor(Dictionary<string, string[]> errors, string field, string? value, string channel)
    {
        if (!string.IsNullOrEmpty(value))
        {
            errors[field] = [$"only a {channel} template has it"];
        }
    }

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"(?:<[^>]*>|[^\s(;:]*)\((?<line>\d+),(?<column>\d+)\)\s*:\s*error\s*:\s*")]
    private static partial Regex PositionPattern();
}
