using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Comms.Inbox.Features.Conversations;

/// <summary>Where the Inbox finds the saved answers: Templating's <c>POST /api/v1/quick-replies</c> with an operator key.</summary>
public sealed class InboxTemplatingOptions
{
    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The front desk's saved answers (Templating's <c>inbox.quick.*</c>), rendered for the patient and clinic of the
/// conversation; none — with the reason for the page — when Templating is not configured or does not answer.
/// </summary>
public sealed partial class QuickReplies(HttpClient http, IOptionsMonitor<InboxOptions> options, ILogger<QuickReplies> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Reply(string Key, string Name, string Text);

    public async Task<(IReadOnlyList<Reply> Replies, string? Problem)> ListAsync(string clinicId, Dictionary<string, string?> model, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Templating;
        if (settings.BaseUrl is not { Length: > 0 } baseUrl)
        {
            return ([], "Быстрые ответы берутся из «Шаблонов сообщений»: задайте Inbox:Templating:BaseUrl и ApiKey.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), "api/v1/quick-replies"))
        {
            Content = JsonContent.Create(new { clinicId, channel = "sms", model }, options: Json),
        };
        request.Headers.Add("X-Api-Key", settings.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode);
                return ([], $"«Шаблоны сообщений» не отдали быстрые ответы (ответ {(int)response.StatusCode}).");
            }

            return (await response.Content.ReadFromJsonAsync<Reply[]>(Json, timeout.Token) ?? [], null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, ex.GetType().Name);
            return ([], "«Шаблоны сообщений» сейчас недоступны: быстрые ответы появятся, когда они ответят.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Templating refused the quick replies: {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Templating did not answer for the quick replies ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
