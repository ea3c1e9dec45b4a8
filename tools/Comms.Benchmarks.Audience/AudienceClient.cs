using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Comms.Benchmarks.Audience;

/// <summary>One HTTP exchange, timed from sending the request to the last byte of the answer.</summary>
public sealed record TimedAnswer(HttpStatusCode Status, TimeSpan Elapsed, JsonElement? Body, string Text)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    public JsonElement Json => Body ?? throw new InvalidOperationException($"the answer was {(int)Status}, not JSON: {Clip(Text)}");

    public static string Clip(string text) => text.Length > 600 ? text[..600] + "…" : text;

    /// <summary>Sends the request on <paramref name="http"/> and times it to the last byte of the answer.</summary>
    public static async Task<TimedAnswer> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        JsonElement? body = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && text.Length > 0)
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }

        return new TimedAnswer(response.StatusCode, elapsed, body, text);
    }
}

/// <summary>The Audience API with the clinic's key, as a manager's screen or the clinic's MIS would call it.</summary>
public sealed class AudienceClient(Uri baseAddress, string apiKey) : IDisposable
{
    private readonly HttpClient _http = Create(baseAddress, apiKey);

    /// <summary>POSTs the CSV file as the body, streamed (Content-Type text/csv).</summary>
    public async Task<TimedAnswer> ImportVisitsAsync(string csvPath, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(csvPath);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/audience/imports/visits?clinicId={BenchmarkSettings.ClinicId}") { Content = content };
        return await SendAsync(request, cancellationToken);
    }

    public async Task<TimedAnswer> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, cancellationToken);
    }

    private Task<TimedAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        TimedAnswer.SendAsync(_http, request, cancellationToken);

    private static HttpClient Create(Uri baseAddress, string apiKey)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            // A million-row import and a cold refit of a large clinic take a while; the run's own deadlines are elsewhere.
            Timeout = TimeSpan.FromMinutes(30),
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    public void Dispose() => _http.Dispose();
}
