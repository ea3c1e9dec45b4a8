using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>What a campaign's message says to a patient: the variables Templating renders it with.</summary>
public static class CampaignModel
{
    /// <summary>What the preview shows instead of a patient's name (the pages show no names).</summary>
    public static readonly IReadOnlyDictionary<string, string> SampleName = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["patient.firstName"] = "Анна",
        ["patient.middleName"] = "Сергеевна",
        ["patient.lastName"] = "Иванова",
    };

    public static Dictionary<string, string?> For(string clinicId, Addressee? addressee, ClinicCard? card) => new(StringComparer.Ordinal)
    {
        ["patient.firstName"] = addressee?.FirstName,
        ["patient.middleName"] = addressee?.MiddleName,
        ["patient.lastName"] = addressee?.LastName,
        ["clinic.id"] = clinicId,
        ["clinic.name"] = card?.Name,
        ["clinic.address"] = card?.Address,
    };

    /// <summary>The same with the name the preview shows in its place.</summary>
    public static Dictionary<string, string?> Masked(Dictionary<string, string?> model)
    {
        var masked = new Dictionary<string, string?>(model, StringComparer.Ordinal);
        foreach (var (name, sample) in SampleName)
        {
            masked[name] = sample;
        }

        return masked;
    }
}

/// <summary>Templating's <c>POST /api/v1/render</c> with an operator key (<c>Audience:Campaigns:Templating</c>).</summary>
public sealed partial class TemplatingRenderer(HttpClient http, IOptionsMonitor<CampaignOptions> options, ILogger<TemplatingRenderer> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The renders in the order of the models; or why there are none, in Russian, for the page.</summary>
    public async Task<(RenderAnswer? Answer, string? Problem)> RenderAsync(
        string templateKey, string channel, string clinicId, IReadOnlyList<Dictionary<string, string?>> models, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Templating;
        if (settings.BaseUrl is not { Length: > 0 } baseUrl)
        {
            return (null, "Тексты и стоимость покажет Templating: задайте Audience:Campaigns:Templating:BaseUrl и ApiKey.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), "api/v1/render"))
        {
            Content = JsonContent.Create(new { templateKey, channel, clinicId, locale = "ru", purpose = Purposes.Marketing, models }, options: Json),
        };
        request.Headers.Add("X-Api-Key", settings.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, $"Шаблон «{templateKey}» не опубликован для канала {channel}: опубликуйте его в «Шаблонах сообщений» до запуска, иначе сообщения не уйдут.");
            }

            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode, templateKey, channel);
                return (null, $"Templating не отрисовал шаблон (ответ {(int)response.StatusCode}).");
            }

            return (await response.Content.ReadFromJsonAsync<RenderAnswer>(Json, timeout.Token), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, ex.GetType().Name, templateKey, channel);
            return (null, "Templating сейчас недоступен: тексты и стоимость появятся, когда он ответит.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Templating answered {Status} to rendering {TemplateKey} for {Channel}")]
    private static partial void LogRefused(ILogger logger, int status, string templateKey, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Templating could not be reached to render {TemplateKey} for {Channel} ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string error, string templateKey, string channel);
}

public sealed record RenderAnswer(
    string TemplateKey, string Channel, string Locale, string? ClinicId, int Version, decimal? PricePerSegment, string Currency, IReadOnlyList<RenderedText> Renders);

public sealed record RenderedText(string? Text, string? Error, int? Segments, decimal? Cost);

/// <summary>
/// The preview's texts and cost: for each variant and channel, a few of its recipients' messages rendered by Templating
/// as they would go (their own names for the count, the sample name in what the page shows), and the SMS cost of the
/// whole campaign estimated from their parts: the mean parts of the sample × the SMS recipients × the price.
/// </summary>
public sealed class CampaignRenderingPreview(AudienceDbContext db, TemplatingRenderer renderer, IOptionsMonitor<CampaignOptions> options)
{
    public async Task<(IReadOnlyList<RenderedSample> Samples, PreviewCost Cost)> RenderAsync(
        CampaignPlan plan, IReadOnlyList<AudienceMember> sending, CancellationToken cancellationToken)
    {
        var perGroup = Math.Max(1, options.CurrentValue.PreviewSample);
        var samples = new List<RenderedSample>();
        var notes = new List<string>();
        decimal? total = null;
        string? currency = null;
        var segments = new List<int>();
        var smsRecipients = sending.Count(m => m.Channel == Contracts.Channels.Sms);
        foreach (var group in sending.GroupBy(m => (m.Group, Channel: m.Channel!)).OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Channel, StringComparer.Ordinal))
        {
            var chosen = group.Take(perGroup).ToList();
            var clinics = chosen.Select(m => m.ClinicId).Distinct().ToArray();
            var patients = chosen.Select(m => m.PatientId).Distinct().ToArray();
            var addressees = (await db.Addressees.AsNoTracking().Where(a => clinics.Contains(a.ClinicId) && patients.Contains(a.PatientId)).ToListAsync(cancellationToken))
                .ToDictionary(a => (a.ClinicId, a.PatientId));
            var cards = await db.ClinicCards.AsNoTracking().Where(c => clinics.Contains(c.ClinicId)).ToDictionaryAsync(c => c.ClinicId, cancellationToken);
            var templateKey = group.Key.Group == CampaignGroups.B ? plan.TemplateKeyB! : plan.TemplateKey;
            var models = chosen.Select(m => CampaignModel.For(m.ClinicId, addressees.GetValueOrDefault((m.ClinicId, m.PatientId)), cards.GetValueOrDefault(m.ClinicId))).ToList();

            // One clinic's text at a time: a clinic may have its own version of the key.
            var groupSegments = new List<int>();
            decimal? price = null;
            var byClinic = chosen.Select((m, i) => (m, i)).GroupBy(x => x.m.ClinicId);
            foreach (var clinic in byClinic)
            {
                var real = clinic.Select(x => models[x.i]).ToList();
                var (answer, problem) = await renderer.RenderAsync(templateKey, group.Key.Channel, clinic.Key, [.. real, .. real.Select(CampaignModel.Masked)], cancellationToken);
                if (answer is null)
                {
                    if (problem is not null && !notes.Contains(problem))
                    {
                        notes.Add(problem);
                    }

                    continue;
                }

                currency = answer.Currency;
                price = answer.PricePerSegment;
                for (var k = 0; k < real.Count; k++)
                {
                    var counted = answer.Renders[k];
                    var shown = answer.Renders[real.Count + k];
                    if (counted.Segments is { } parts)
                    {
                        segments.Add(parts);
                        groupSegments.Add(parts);
                    }

                    samples.Add(new RenderedSample(group.Key.Group, group.Key.Channel, templateKey, answer.Version, shown.Text, shown.Segments, counted.Error ?? shown.Error));
                }

            }

            if (group.Key.Channel == Contracts.Channels.Sms && price is { } perPart && groupSegments.Count > 0)
            {
                total = (total ?? 0) + Math.Round((decimal)groupSegments.Average() * group.Count() * perPart, 2);
            }
        }

        if (smsRecipients > 0 && total is null && notes.Count == 0)
        {
            notes.Add("Цена SMS не задана в Templating (Templating:Sms:PricePerSegment): стоимость не посчитать.");
        }

        return (samples, new PreviewCost(total, currency, segments.Count > 0 ? Math.Round(segments.Average(), 2) : null, smsRecipients, notes));
    }
}

/// <param name="Text">As the patient would get it, their name replaced by the sample name; null when it does not render.</param>
public sealed record RenderedSample(string Group, string Channel, string TemplateKey, int TemplateVersion, string? Text, int? Segments, string? Error);

/// <param name="Total">The SMS cost of the whole campaign (the mean parts of the sample × SMS recipients × the price); null when unknown.</param>
/// <param name="SegmentsPerMessage">The mean SMS parts of the sample.</param>
/// <param name="Notes">Why a figure or a text is missing, in Russian.</param>
public sealed record PreviewCost(decimal? Total, string? Currency, double? SegmentsPerMessage, int SmsRecipients, IReadOnlyList<string> Notes);
