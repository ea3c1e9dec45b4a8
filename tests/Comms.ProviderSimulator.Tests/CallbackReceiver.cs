using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Comms.ProviderSimulator.Tests;

/// <summary>
/// A real Kestrel listener on a free loopback port, standing in for the gateway's webhooks: it keeps each POSTed
/// SMS.ru <c>data[0]</c> (at <see cref="Url"/>) and every other POST whole (at <see cref="UrlFor"/>), and answers what
/// <see cref="Answer"/> says for the n-th call (SMS.ru's "100" by default).
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _received = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> _smsRuCallbacks = new();
    private readonly ConcurrentQueue<ReceivedCallback> _callbacks = new();
    private WebApplication? _app;
    private int _calls;

    private CallbackReceiver()
    {
    }

    public string Url { get; private set; } = "";

    private string BaseUrl { get; set; } = "";

    public Func<int, (int Status, string Body)> Answer { get; set; } = _ => (StatusCodes.Status200OK, "100");

    /// <summary>SMS.ru's <c>data[0]</c> of each call to <see cref="Url"/>.</summary>
    public IReadOnlyList<string> Received => [.. _received];

    /// <summary>Each SMS.ru callback's entries (<c>data[0]</c>, <c>data[1]</c>, …), one list per callback.</summary>
    public IReadOnlyList<IReadOnlyList<string>> SmsRuCallbacks => [.. _smsRuCallbacks];

    /// <summary>Every call to a path other than <see cref="Url"/>'s.</summary>
    public IReadOnlyList<ReceivedCallback> Callbacks => [.. _callbacks];

    /// <summary>An address on this receiver, e.g. "/smsc/callback" or "/smsaero/receipt?token=t".</summary>
    public string UrlFor(string pathAndQuery) => BaseUrl + pathAndQuery;

    public static async Task<CallbackReceiver> StartAsync()
    {
        var receiver = new CallbackReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/smsru/callback", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var entries = form.Keys.Where(k => k.StartsWith("data[", StringComparison.Ordinal))
                .OrderBy(k => int.Parse(k[5..^1], System.Globalization.CultureInfo.InvariantCulture))
                .Select(k => form[k].ToString())
                .ToList();
            receiver._smsRuCallbacks.Enqueue(entries);
            foreach (var entry in entries)
            {
                receiver._received.Enqueue(entry);
            }

            return receiver.Respond();
        });
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var form = request.HasFormContentType
                ? QueryHelpers.ParseQuery(body).ToDictionary(f => f.Key, f => f.Value.ToString())
                : [];
            receiver._callbacks.Enqueue(new ReceivedCallback(request.Path + request.QueryString, request.ContentType, body, form));
            return receiver.Respond();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver._app = app;
        receiver.BaseUrl = app.Urls.Single();
        receiver.Url = receiver.BaseUrl + "/smsru/callback";
        return receiver;
    }

    /// <summary>Waits for calls to this path (query included) until <paramref name="count"/> came or time ran out.</summary>
    public async Task<IReadOnlyList<ReceivedCallback>> CallbacksToAsync(string pathAndQuery, int count = 1) =>
        await Eventually.Until(
            () => Task.FromResult<IReadOnlyList<ReceivedCallback>>([.. Callbacks.Where(c => c.PathAndQuery == pathAndQuery)]),
            calls => calls.Count >= count);

    private IResult Respond()
    {
        var (status, body) = Answer(Interlocked.Increment(ref _calls));
        return Results.Text(body, "text/plain", statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <param name="Form">The form fields when the call was form-encoded; empty otherwise.</param>
public sealed record ReceivedCallback(string PathAndQuery, string? ContentType, string Body, IReadOnlyDictionary<string, string> Form);
