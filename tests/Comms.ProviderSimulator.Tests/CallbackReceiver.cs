using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comms.ProviderSimulator.Tests;

/// <summary>
/// A real Kestrel listener on a free loopback port, standing in for the gateway's SMS.ru webhook: it keeps each
/// POSTed <c>data[0]</c> and answers what <see cref="Answer"/> says for the n-th call (SMS.ru's "100" by default).
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _received = new();
    private WebApplication? _app;
    private int _calls;

    private CallbackReceiver()
    {
    }

    public string Url { get; private set; } = "";

    public Func<int, (int Status, string Body)> Answer { get; set; } = _ => (StatusCodes.Status200OK, "100");

    public IReadOnlyList<string> Received => [.. _received];

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
            receiver._received.Enqueue(form["data[0]"].ToString());
            var (status, body) = receiver.Answer(Interlocked.Increment(ref receiver._calls));
            return Results.Text(body, "text/plain", statusCode: status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver._app = app;
        receiver.Url = app.Urls.Single() + "/smsru/callback";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
