using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.ProviderSimulator.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.ProviderSimulator.WhatsApp;

/// <summary>
/// The WhatsApp Cloud API at <c>/whatsapp/{version}/{phone-number-id}/messages</c>, and its control endpoints:
/// the patient's replies (<c>POST /sim/whatsapp/replies</c>), what was sent and which webhooks were built.
/// </summary>
public static class WhatsAppApi
{
    public static IServiceCollection AddWhatsAppSimulator(this IServiceCollection services)
    {
        services.AddOptions<WhatsAppSimulatorOptions>().BindConfiguration(WhatsAppSimulatorOptions.SectionName)
            .Validate(o => string.IsNullOrWhiteSpace(o.WebhookUrl) || SimulatorOptionsValidator.IsHttpUrl(o.WebhookUrl),
                "Simulator:WhatsApp:WebhookUrl must be an absolute http(s) URL or empty.")
            .Validate(o => !string.IsNullOrEmpty(o.AppSecret), "Simulator:WhatsApp:AppSecret is required: webhooks are signed with it.")
            .Validate(o => o.StatusDelayMs >= 0, "Simulator:WhatsApp:StatusDelayMs must be zero or more.")
            .ValidateOnStart();
        services.AddSingleton<WhatsAppWebhookLog>();
        services.AddSingleton<WhatsAppCloud>();
        services.AddHttpClient<WhatsAppWebhookPoster>(http => http.Timeout = TimeSpan.FromSeconds(10));
        return services;
    }

    public static IEndpointRouteBuilder MapWhatsAppApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/whatsapp/{version}/{phoneNumberId}/messages", SendAsync)
            .WithTags("WhatsApp Cloud API").WithSummary("Sends a text, interactive or template message (Bearer token).");

        var sim = endpoints.MapGroup("/sim/whatsapp").WithTags("WhatsApp");
        sim.MapPost("/replies", ReplyAsync).WithSummary("The patient writes or taps a button: a signed inbound webhook, posted when a webhook URL is set.");
        sim.MapGet("/messages", (string? to, WhatsAppCloud cloud) => TypedResults.Ok(cloud.Sent(Normalize(to))))
            .WithSummary("WhatsApp messages taken, with their form, template and buttons.");
        sim.MapGet("/webhooks", (string? to, WhatsAppWebhookLog log) => TypedResults.Ok(log.List(Normalize(to))))
            .WithSummary("Every webhook built (raw body and signature), posted or not, oldest first.");
        sim.MapPost("/windows", SetWindow).WithSummary("Sets when the patient last wrote (null closes the window).");
        sim.MapDelete("/", (WhatsAppCloud cloud) =>
        {
            cloud.Clear();
            return TypedResults.NoContent();
        }).WithSummary("Forgets WhatsApp messages, windows and webhooks.");
        return endpoints;
    }

    private static async Task<IResult> SendAsync(string version, string phoneNumberId, HttpRequest request, WhatsAppCloud cloud, CancellationToken cancellationToken)
    {
        JsonObject? body = null;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
        }

        var answer = cloud.Send(phoneNumberId, request.Headers.Authorization.ToString(), body);
        if (answer.DelayMs is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return Results.Text(answer.Body.ToJsonString(), "application/json", statusCode: answer.HttpStatus);
    }

    private static async Task<Results<Accepted<ReplyPosted>, ValidationProblem>> ReplyAsync(
        WhatsAppReply reply, WhatsAppCloud cloud, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!PhoneNumber.TryNormalize(reply.From, out var from))
        {
            errors["from"] = ["Give the patient's phone number."];
        }

        if (string.IsNullOrEmpty(reply.Text) == string.IsNullOrEmpty(reply.ButtonId))
        {
            errors["text"] = ["Give text or buttonId (the id of a reply button or list row), not both."];
        }

        var context = reply.ContextMessageId is { } contextId ? cloud.Find(contextId) : null;
        if (reply.ContextMessageId is not null && context is null)
        {
            errors["contextMessageId"] = ["No WhatsApp message with this id was sent."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A tap answers the message whose button it is: the latest one to this number with that button, unless named.
        context ??= reply.ButtonId is { } buttonId ? cloud.Sent(from!.E164).LastOrDefault(m => m.Choices.ContainsKey(buttonId)) : null;
        var now = time.GetUtcNow();
        cloud.SetLastInbound(from!.E164, now);
        var id = cloud.NextId("wamid.IN");
        var body = cloud.InboundPayload(from, id, reply.Text, reply.ButtonId, context, now);
        var webhook = await cloud.PostAsync("message", from.E164, id, null, body, cancellationToken);
        return TypedResults.Accepted((string?)null, new ReplyPosted(id, webhook.WebhookStatus, webhook.Body, webhook.Signature));
    }

    private static Results<NoContent, ValidationProblem> SetWindow(WhatsAppWindow window, WhatsAppCloud cloud)
    {
        if (!PhoneNumber.TryNormalize(window.Phone, out var phone))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = ["Not a phone number."] });
        }

        cloud.SetLastInbound(phone.E164, window.LastInboundAt);
        return TypedResults.NoContent();
    }

    private static string? Normalize(string? to) => to is not null && PhoneNumber.TryNormalize(to, out var phone) ? phone.E164 : to;
}

/// <summary>The body of <c>POST /sim/whatsapp/replies</c>.</summary>
/// <param name="ButtonId">The id of the reply button or list row tapped ("confirm", "rating-5"…).</param>
/// <param name="ContextMessageId">The wamid the tap or reply answers; for a tap, by default the latest message with that button.</param>
public sealed record WhatsAppReply(string? From, string? Text = null, string? ButtonId = null, string? ContextMessageId = null);

/// <param name="WebhookStatus">What the gateway answered; null when no webhook URL is set (forward <paramref name="Body"/>
/// with <paramref name="Signature"/> yourself).</param>
public sealed record ReplyPosted(string MessageId, int? WebhookStatus, string Body, string Signature);

public sealed record WhatsAppWindow(string? Phone, DateTimeOffset? LastInboundAt);
