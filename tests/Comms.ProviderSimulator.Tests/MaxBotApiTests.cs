using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comms.ProviderSimulator.Tests;

/// <summary>The simulated MAX Bot API: token, who the bot may write to, keyboards, callbacks, updates with the secret.</summary>
public sealed class MaxBotApiTests : IAsyncLifetime
{
    private const string Token = "max-token";
    private const string Secret = "max-webhook-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpdateReceiver _receiver = null!;
    private SimulatorFactory _factory = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await UpdateReceiver.StartAsync();
        _factory = new SimulatorFactory(null, ("Simulator:Max:Token", Token), ("Simulator:Max:BotName", "clinic_bot"));
        _http = _factory.CreateClient();
        using var subscribed = await Authorized(HttpMethod.Post, "/max/subscriptions", new { url = _receiver.Url, update_types = new[] { "bot_started" }, secret = Secret });
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task The_token_is_checked_in_the_authorization_header_or_the_access_token_query()
    {
        using var none = await _http.GetAsync("/max/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("verify.token", (await none.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        using var header = await Authorized(HttpMethod.Get, "/max/me", null);
        Assert.Equal("clinic_bot", (await header.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("username").GetString());

        using var query = await _http.GetAsync($"/max/me?access_token={Token}", Ct);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
    }

    [Fact]
    public async Task The_bot_may_not_write_to_a_user_who_never_started_it()
    {
        using var refused = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000111", new { text = "Здравствуйте" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("chat.denied", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_deep_link_start_a_message_with_buttons_a_tap_and_its_answer()
    {
        using (var started = await _http.PostAsJsonAsync("/sim/max/users/555000222/start", new { payload = "link-token_1", phone = "+79161230000" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        var (startBody, startSecret) = Assert.Single(await _receiver.WaitAsync(1));
        Assert.Equal(Secret, startSecret);
        var start = JsonDocument.Parse(startBody).RootElement;
        Assert.Equal("bot_started", start.GetProperty("update_type").GetString());
        Assert.Equal("link-token_1", start.GetProperty("payload").GetString());
        Assert.Equal(555000222, start.GetProperty("user").GetProperty("user_id").GetInt64());

        using var sent = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000222", new
        {
            text = "Подтвердите запись",
            attachments = new[]
            {
                new { type = "inline_keyboard", payload = new { buttons = new[] { new[] { new { type = "callback", text = "Подтверждаю", payload = "1" }, new { type = "callback", text = "Отменить", payload = "2" } } } } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var mid = (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("message").GetProperty("body").GetProperty("mid").GetString();
        var inbox = await _http.GetFromJsonAsync<JsonElement[]>("/sim/messages?to=%2B79161230000", Ct);
        Assert.Equal("max", Assert.Single(inbox!).GetProperty("provider").GetString());

        using (var tapped = await _http.PostAsJsonAsync("/sim/max/users/555000222/taps", new { payload = "2" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, tapped.StatusCode);
        }

        var tap = JsonDocument.Parse((await _receiver.WaitAsync(2))[1].Body).RootElement;
        Assert.Equal("message_callback", tap.GetProperty("update_type").GetString());
        Assert.Equal("2", tap.GetProperty("callback").GetProperty("payload").GetString());
        Assert.Equal(mid, tap.GetProperty("message").GetProperty("body").GetProperty("mid").GetString());

        var callbackId = tap.GetProperty("callback").GetProperty("callback_id").GetString();
        using var answered = await Authorized(HttpMethod.Post, $"/max/answers?callback_id={callbackId}", new { notification = "Спасибо" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var answers = await _http.GetFromJsonAsync<JsonElement[]>("/sim/max/answers", Ct);
        Assert.Equal("Спасибо", Assert.Single(answers!).GetProperty("notification").GetString());
    }

    [Fact]
    public async Task A_stopped_bot_is_refused_and_a_rate_limit_fault_answers_429()
    {
        (await _http.PostAsJsonAsync("/sim/max/users/555000333/start", new { }, Ct)).Dispose();
        (await _http.PostAsJsonAsync("/sim/faults", new { provider = "max", outcome = "rateLimited", times = 1 }, Ct)).Dispose();

        using var limited = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000333", new { text = "Раз" });
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        using var ok = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000333", new { text = "Два" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        (await _http.PostAsync("/sim/max/users/555000333/stop", null, Ct)).Dispose();
        using var stopped = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000333", new { text = "Три" });
        Assert.Equal(HttpStatusCode.Forbidden, stopped.StatusCode);
    }

    [Fact]
    public async Task An_accepted_fault_puts_the_message_in_the_chat_and_answers_its_http_status()
    {
        (await _http.PostAsJsonAsync("/sim/max/users/555000444/start", new { }, Ct)).Dispose();
        using (var fault = await _http.PostAsJsonAsync("/sim/faults", new { provider = "max", httpStatus = 502, accepted = true, times = 1 }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, fault.StatusCode);
            Assert.True((await fault.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accepted").GetBoolean());
        }

        using var proxied = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000444", new { text = "Раз" });
        Assert.Equal(HttpStatusCode.BadGateway, proxied.StatusCode);
        using var plain = await _http.PostAsJsonAsync("/sim/faults", new { provider = "max", httpStatus = 502, times = 1 }, Ct);
        using var refused = await Authorized(HttpMethod.Post, "/max/messages?user_id=555000444", new { text = "Два" });
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);

        // The first is in the chat although its answer was an error; the plain 502 sent nothing.
        var sent = await _http.GetFromJsonAsync<JsonElement[]>("/sim/max/messages?userId=555000444", Ct);
        Assert.Equal(["Раз"], sent!.Select(m => m.GetProperty("text").GetString()));
    }

    private async Task<HttpResponseMessage> Authorized(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization", Token);
        return await _http.SendAsync(request, Ct);
    }

    private sealed class UpdateReceiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Body, string? Secret)> _received = new();
        private WebApplication _app = null!;

        public string Url { get; private set; } = "";

        public static async Task<UpdateReceiver> StartAsync()
        {
            var receiver = new UpdateReceiver();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            receiver._app = builder.Build();
            receiver._app.MapPost("/webhooks/max", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                receiver._received.Enqueue((await reader.ReadToEndAsync(), request.Headers["X-Max-Bot-Api-Secret"].ToString()));
                return Results.Ok();
            });
            await receiver._app.StartAsync(Ct);
            receiver.Url = receiver._app.Urls.Single() + "/webhooks/max";
            return receiver;
        }

        public async Task<IReadOnlyList<(string Body, string? Secret)>> WaitAsync(int count) =>
            await Eventually.Until(() => Task.FromResult<IReadOnlyList<(string Body, string? Secret)>>([.. _received]), r => r.Count >= count);

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
