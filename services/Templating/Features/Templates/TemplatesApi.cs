using Comms.Contracts;
using Comms.Templating.Features.Authoring;
using Comms.Templating.Features.Compose;
using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comms.Templating.Features.Templates;

/// <summary>Preview a template text. Reading and authoring templates: Features/Authoring.</summary>
public static class TemplatesApi
{
    public const int MaxBodyLength = 10_000;

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        // Any signed-in user may preview (viewers too): it changes nothing.
        var group = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization();
        group.MapPost("/preview", Preview).WithName("PreviewTemplate");
        return app;
    }

    /// <summary>
    /// Renders a body as a template of <c>key</c> (strictly: a name outside its model is an error with its place) with
    /// the given model or the key's sample one, with the figures of its channel: for SMS the parts, the encoding and
    /// what they cost; for WhatsApp and MAX the characters against the channel's limits; for email the subject too.
    /// </summary>
    private static Results<Ok<PreviewResponse>, ValidationProblem> Preview(
        PreviewRequest request, TemplateRenderer renderer, IOptions<SmsEconomicsOptions> sms)
    {
        var channel = string.IsNullOrWhiteSpace(request.Channel) ? Channels.Sms : request.Channel;
        var errors = new FieldErrors();
        if (!Channels.All.Contains(channel))
        {
            errors.Add("channel", ErrorCodes.Invalid, $"Канал — один из: {string.Join(", ", Channels.All)}.");
            channel = Channels.Sms;
        }

        if (string.IsNullOrWhiteSpace(request.Body))
        {
            errors.Add("body", ErrorCodes.Required, $"Заполните поле «{DraftValidation.Label("body", channel)}».");
        }
        else if (request.Body.Length > MaxBodyLength)
        {
            errors.Add("body", ErrorCodes.TooLong,
                $"«{DraftValidation.Label("body", channel)}» — не длиннее {MaxBodyLength} символов, сейчас {request.Body.Length}.");
        }

        if (request.Subject is { Length: > MessageTemplateLimits.Subject })
        {
            errors.Add("subject", ErrorCodes.TooLong, $"«Тема письма» — не длиннее {MessageTemplateLimits.Subject} символов, сейчас {request.Subject.Length}.");
        }

        if (request.WhatsAppParameters is { Count: > DraftValidation.MaxWhatsAppParameters } ||
            request.WhatsAppParameters?.Any(p => p is null || p.Length > DraftValidation.MaxWhatsAppParameterLength) == true)
        {
            errors.Add("whatsAppParameters", ErrorCodes.TooLong,
                $"Параметров шаблона WhatsApp — не больше {DraftValidation.MaxWhatsAppParameters}, каждый не длиннее {DraftValidation.MaxWhatsAppParameterLength} символов.");
        }

        if (errors.Count > 0)
        {
            return errors.ToProblem("The preview request is not valid");
        }

        var model = request.Model ?? TemplateModels.For(request.Key).Sample;
        var text = Render(errors, "body", channel, request.Body!, renderer, model, request.Key);
        var subject = channel == Channels.Email && !string.IsNullOrEmpty(request.Subject)
            ? Render(errors, "subject", channel, request.Subject, renderer, model, request.Key)
            : null;
        var parameters = channel == Channels.WhatsApp && request.WhatsAppParameters is { Count: > 0 } given
            ? given.Select((p, i) => Render(errors, $"whatsAppParameters[{i}]", channel, p, renderer, model, request.Key) ?? "").ToList()
            : null;
        if (errors.Count > 0)
        {
            return errors.ToProblem("The template cannot be rendered");
        }

        // A campaign's key goes as advertising: the preview shows the opt-out line the send adds, and counts its parts.
        if (TemplateModels.For(request.Key).IsMarketing)
        {
            text = ComposeMessageConsumer.WithOptOut(text!, Purposes.Marketing, channel);
        }

        var notes = Notes(channel, text!, parameters);
        if (channel != Channels.Sms)
        {
            return TypedResults.Ok(new PreviewResponse(
                text!, null, null, null, null, null, [], null, channel, text!.Length, ChannelLimits.TextOf(channel), subject, subject?.Length, parameters, notes));
        }

        var estimate = SmsEconomics.Estimate(text!, sms.Value);
        return TypedResults.Ok(new PreviewResponse(
            text!, estimate.Segments, estimate.Encoding, estimate.Units, estimate.Cost, estimate.Currency,
            estimate.ForcingCharacters, estimate.Warning, channel, text!.Length, null, null, null, null, notes, estimate.EncodingHint));
    }

    private static string? Render(
        FieldErrors errors, string field, string channel, string text, TemplateRenderer renderer, IReadOnlyDictionary<string, string?> model, string? key)
    {
        var result = renderer.Render(text, model, key);
        if (!result.Succeeded)
        {
            errors.Add(field, result.Code!, $"«{DraftValidation.Label(field, channel)}»: {DraftValidation.WithLineAndColumn(result.Message!)}");
        }

        return result.Text;
    }

    /// <summary>What the channel will do with a text of this length, in Russian; empty when nothing.</summary>
    private static List<string> Notes(string channel, string text, IReadOnlyList<string>? parameters)
    {
        var notes = new List<string>();
        if (channel == Channels.WhatsApp)
        {
            if (text.Length > ChannelLimits.WhatsAppText)
            {
                notes.Add($"WhatsApp не примет текст длиннее {ChannelLimits.WhatsAppText} символов, а здесь {text.Length}.");
            }
            else if (text.Length > ChannelLimits.WhatsAppInteractive)
            {
                notes.Add($"Текст длиннее {ChannelLimits.WhatsAppInteractive} символов уйдёт без кнопок ответа (подтвердить, отменить, оценить): " +
                          "в WhatsApp кнопки бывают только у текстов до этой длины.");
            }

            for (var i = 0; i < (parameters?.Count ?? 0); i++)
            {
                if (parameters![i].Length > ChannelLimits.WhatsAppTemplateBody)
                {
                    notes.Add($"Параметр {i + 1} длиннее {ChannelLimits.WhatsAppTemplateBody} символов ({parameters[i].Length}): " +
                              "WhatsApp не примет одобренный шаблон с ним.");
                }
            }
        }
        else if (channel == Channels.Max && text.Length > ChannelLimits.MaxText)
        {
            notes.Add($"MAX не примет текст длиннее {ChannelLimits.MaxText} символов, а здесь {text.Length}.");
        }

        return notes;
    }
}

/// <param name="Model">Variables as dotted paths, as ComposeMessage carries them: {"patient.firstName": "Анна"}; omitted → the key's sample model.</param>
/// <param name="Key">The template key ("appointment.reminder"): whose variables the body may use.</param>
/// <param name="Channel">sms (default), whatsapp, email or max: whose figures the answer gives.</param>
/// <param name="Subject">An email's subject, rendered as well when the channel is email.</param>
/// <param name="WhatsAppParameters">A WhatsApp template's parameters, rendered as well when the channel is whatsapp.</param>
public sealed record PreviewRequest(
    string? Body, Dictionary<string, string?>? Model, string? Key = null, string? Channel = null, string? Subject = null,
    List<string>? WhatsAppParameters = null);

/// <param name="Segments">SMS parts the text takes; <paramref name="Units"/> are septets (gsm7) or UTF-16 units (ucs2). Null for other channels.</param>
/// <param name="Cost">Segments × Templating:Sms:PricePerSegment; null when no price is configured or the channel is not sms.</param>
/// <param name="ForcingCharacters">The characters that made the text UCS-2 (70 per SMS instead of 160).</param>
/// <param name="Warning">Set when the text takes more than Templating:Sms:WarnAboveSegments parts.</param>
/// <param name="Characters">The rendered text's length in UTF-16 characters, every channel.</param>
/// <param name="Limit">The channel's text limit (whatsapp 4096, max 4000); null for sms (parts) and email (none).</param>
/// <param name="Subject">The rendered subject (email, when the request gave one), and its length.</param>
/// <param name="Parameters">The rendered WhatsApp template parameters, when the request gave them.</param>
/// <param name="Notes">What the channel will do with this text, in Russian (too long, no buttons); empty when nothing.</param>
/// <param name="EncodingHint">SMS only, set only when a few characters force an otherwise GSM-7 text into UCS-2: which,
/// what to type instead, and what it would cost without them.</param>
public sealed record PreviewResponse(
    string Text, int? Segments, string? Encoding, int? Units, decimal? Cost, string? Currency,
    IReadOnlyList<string> ForcingCharacters, string? Warning,
    string Channel, int Characters, int? Limit, string? Subject, int? SubjectCharacters, IReadOnlyList<string>? Parameters,
    IReadOnlyList<string> Notes, string? EncodingHint = null);
