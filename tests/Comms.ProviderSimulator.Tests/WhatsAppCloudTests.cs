using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comms.ProviderSimulator.Tests;

/// <summary>The simulated WhatsApp Cloud API: token, window, message shapes, faults, signed webhooks.</summary>
public sealed class WhatsAppCloudTests : IAsyncLifetime
{
    private const string Token = "wa-token";
    private const string Secret = "wa-app-secret";
    private const string Path = "/whatsapp/v23.0/100000000000001/messages";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebhookReceiver _receiver = null!;
    private SimulatorFactory _factory = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _factory = new SimulatorFactory(null,
            ("Simulator:WhatsApp:AccessToken", Token),
            ("Simulator:WhatsApp:AppSecret", Secret),
            ("Simulator:WhatsApp:WebhookUrl", _receiver.Url),
            ("Simulator:WhatsApp:StatusDelayMs", "0"),
            ("Simulator:WhatsApp:SendRead", "true"));
        _http = _factory.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Free_form_outside_the_window_is_refused_with_131047_and_a_template_goes()
    {
        using var text = await SendAsync(Text("79161110001", "Привет"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        var error = (await text.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        Assert.Equal(131047, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error_data").GetProperty("details").GetString()));

        using var template = await SendAsync(new
        {
            messaging_product = "whatsapp", to = "79161110001", type = "template",
            template = new { name = "reminder", language = new { code = "ru" }, components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = "Анна" } } } } },
        });
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        var answer = await template.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("whatsapp", answer.GetProperty("messaging_product").GetString());
        Assert.Equal("79161110001", answer.GetProperty("contacts")[0].GetProperty("wa_id").GetString());
        Assert.StartsWith("wamid.", answer.GetProperty("messages")[0].GetProperty("id").GetString(), StringComparison.Ordinal);

        var inbox = await _http.GetFromJsonAsync<JsonElement[]>("/sim/messages?to=%2B79161110001", Ct);
        Assert.Equal("whatsapp", Assert.Single(inbox!).GetProperty("provider").GetString());
    }

    [Fact]
    public async Task A_reply_opens_the_window_and_its_webhook_is_signed_with_the_app_secret()
    {
        using var reply = await _http.PostAsJsonAsync("/sim/whatsapp/replies", new { from = "+79161110002", text = "Здравствуйте" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);

        var inbound = Assert.Single(await _receiver.WaitAsync(1));
        Assert.Equal(Sign(inbound.Body), inbound.Signature);
        var message = JsonDocument.Parse(inbound.Body).RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").GetProperty("messages")[0];
        Assert.Equal("79161110002", message.GetProperty("from").GetString());
        Assert.Equal("Здравствуйте", message.GetProperty("text").GetProperty("body").GetString());

        using var text = await SendAsync(Text("79161110002", "Ждём вас завтра"));
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
    }

    [Fact]
    public async Task Statuses_sent_delivered_read_are_posted_signed_for_each_message()
    {
        await OpenWindowAsync("+79161110003");
        using var send = await SendAsync(Buttons("79161110003"));
        var wamid = (await send.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messages")[0].GetProperty("id").GetString();

        var statuses = (await _receiver.WaitAsync(3)).ToList();
        Assert.All(statuses, s => Assert.Equal(Sign(s.Body), s.Signature));
        var read = statuses.Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("statuses")[0]).ToList();
        Assert.All(read, s => Assert.Equal(wamid, s.GetProperty("id").GetString()));
        Assert.Equal(["sent", "delivered", "read"], read.Select(s => s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_button_tap_answers_the_message_with_that_button()
    {
        await OpenWindowAsync("+79161110004");
        using var send = await SendAsync(Buttons("79161110004"));
        var wamid = (await send.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messages")[0].GetProperty("id").GetString();

        using var tap = await _http.PostAsJsonAsync("/sim/whatsapp/replies", new { from = "+79161110004", buttonId = "confirm" }, Ct);
        var posted = await tap.Content.ReadFromJsonAsync<JsonElement>(Ct);

        var message = JsonDocument.Parse(posted.GetProperty("body").GetString()!).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("messages")[0];
        Assert.Equal(wamid, message.GetProperty("context").GetProperty("id").GetString());
        Assert.Equal("button_reply", message.GetProperty("interactive").GetProperty("type").GetString());
        Assert.Equal("confirm", message.GetProperty("interactive").GetProperty("button_reply").GetProperty("id").GetString());
        Assert.Equal("Подтверждаю", message.GetProperty("interactive").GetProperty("button_reply").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(131026)]
    [InlineData(130429)]
    [InlineData(131056)]
    public async Task Faults_answer_the_cloud_api_error_object(int code)
    {
        using var fault = await _http.PostAsJsonAsync("/sim/faults", new { provider = "whatsapp", to = "+79161110005", sendStatusCode = code, times = 1 }, Ct);
        Assert.Equal(HttpStatusCode.Created, fault.StatusCode);

        using var refused = await SendAsync(Template("79161110005"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(code, (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetInt32());

        using var next = await SendAsync(Template("79161110005"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task An_accepted_fault_takes_the_message_posts_its_statuses_and_answers_its_http_status()
    {
        using (var fault = await _http.PostAsJsonAsync("/sim/faults", new { provider = "whatsapp", to = "+79161110008", httpStatus = 504, accepted = true, times = 1 }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, fault.StatusCode);
        }

        using var proxied = await SendAsync(Template("79161110008"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, proxied.StatusCode);

        var taken = Assert.Single(await _http.GetFromJsonAsync<JsonElement[]>("/sim/whatsapp/messages?to=%2B79161110008", Ct) ?? []);
        var statuses = (await _receiver.WaitAsync(3)).Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("statuses")[0]).Where(s => s.GetProperty("recipient_id").GetString() == "79161110008").ToList();
        Assert.Contains(statuses, s => s.GetProperty("status").GetString() == "delivered" && s.GetProperty("id").GetString() == taken.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Undeliverable_receipt_fault_posts_a_failed_status_with_the_error()
    {
        using var fault = await _http.PostAsJsonAsync("/sim/faults", new { provider = "whatsapp", to = "+79161110006", receipt = "undeliverable" }, Ct);
        Assert.Equal(HttpStatusCode.Created, fault.StatusCode);

        using var send = await SendAsync(Template("79161110006"));
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);

        var statuses = await _receiver.WaitAsync(2);
        var failed = JsonDocument.Parse(statuses[1].Body).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("statuses")[0];
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(131026, failed.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_190_and_nothing_is_taken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(Template("79161110007")) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");
        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(190, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Empty((await _http.GetFromJsonAsync<JsonElement[]>("/sim/whatsapp/messages?to=%2B79161110007", Ct))!);
    }

    [Fact]
    public async Task Four_reply_buttons_break_the_cloud_api_limit()
    {
        await OpenWindowAsync("+79161110008");
        var buttons = Enumerable.Range(1, 4).Select(n => new { type = "reply", reply = new { id = $"b{n}", title = $"B{n}" } }).ToArray();
        using var response = await SendAsync(new
        {
            messaging_product = "whatsapp", to = "79161110008", type = "interactive",
            interactive = new { type = "button", body = new { text = "?" }, action = new { buttons } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task OpenWindowAsync(string phone)
    {
        using var response = await _http.PostAsJsonAsync("/sim/whatsapp/windows", new { phone, lastInboundAt = DateTimeOffset.UtcNow }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return await _http.SendAsync(request, Ct);
    }

    private static object Text(string to, string body) => new { messaging_product = "whatsapp", to, type = "text", text = new { body } };

    private static object Template(string to) => new { messaging_product = "whatsapp", to, type = "template", template = new { name = "reminder", language = new { code = "ru" } } };

    private static object Buttons(string to) => new
    {
        messaging_product = "whatsapp", to, type = "interactive",
        interactive = new
        {
            type = "button", body = new { text = "Подтвердите приём" },
            action = new { buttons = new[] { new { type = "reply", reply = new { id = "confirm", title = "Подтверждаю" } }, new { type = "reply", reply = new { id = "cancel", title = "Отменить" } } } },
        },
    };

    private static string Sign(string body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>A real listener for the simulator's webhooks, keeping each raw body with its X-Hub-Signature-256.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Body, string? Signature)> _received = new();
        private WebApplication _app = null!;

        public string Url { get; private set; } = "";

        public static async Task<WebhookReceiver> StartAsync()
        {
            var receiver = new WebhookReceiver();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            receiver._app = builder.Build();
            receiver._app.MapPost("/webhooks/whatsapp", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                receiver._received.Enqueue((await reader.ReadToEndAsync(), request.Headers["X-Hub-Signature-256"].ToString()));
                return Results.Ok();
            });
            await receiver._app.StartAsync(Ct);
            receiver.Url = receiver._app.Urls.Single() + "/webhooks/whatsapp";
            return receiver;
        }

        public async Task<IReadOnlyList<(string Body, string? Signature)>> WaitAsync(int count) =>
            await Eventually.Until(() => Task.FromResult<IReadOnlyList<(string Body, string? Signature)>>([.. _received]), r => r.Count >= count);

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
