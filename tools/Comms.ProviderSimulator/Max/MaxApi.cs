using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.ProviderSimulator.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.ProviderSimulator.Max;

/// <summary>
/// MAX's Bot API under <c>/max</c> (so a gateway's BaseUrl is <c>http://localhost:5199/max</c>): <c>GET /me</c>,
/// <c>POST /messages</c>, <c>POST /answers</c>, <c>GET|POST|DELETE /subscriptions</c>. And the user's side under
/// <c>/sim/max</c>: open the bot by a deep link, write, tap a button, stop the bot.
/// </summary>
public static class MaxApi
{
    public static IServiceCollection AddMaxSimulator(this IServiceCollection services)
    {
        services.AddOptions<MaxSimulatorOptions>().BindConfiguration(MaxSimulatorOptions.SectionName)
            .Validate(o => string.IsNullOrWhiteSpace(o.WebhookUrl) || SimulatorOptionsValidator.IsHttpUrl(o.WebhookUrl),
                "Simulator:Max:WebhookUrl must be an absolute http(s) URL or empty.")
            .Validate(o => !string.IsNullOrEmpty(o.BotName), "Simulator:Max:BotName is required: deep links name the bot.")
            .ValidateOnStart();
        services.AddSingleton<MaxBot>();
        services.AddHttpClient(nameof(MaxBot), http => http.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }

    public static IEndpointRouteBuilder MapMaxApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/max").WithTags("MAX Bot API");
        api.MapGet("/me", (HttpRequest request, string? access_token, MaxBot bot) =>
            Authorized(request, access_token, bot) ?? Results.Json(bot.Me())).WithSummary("The bot's own user.");
        api.MapPost("/messages", SendAsync).WithSummary("Sends a text with an optional inline keyboard to user_id (or chat_id).");
        api.MapPost("/answers", AnswerAsync).WithSummary("Answers a button tap (callback_id).");
        api.MapGet("/subscriptions", (HttpRequest request, string? access_token, MaxBot bot) => Authorized(request, access_token, bot) ??
            Results.Json(new JsonObject
            {
                ["subscriptions"] = string.IsNullOrWhiteSpace(bot.Subscription.Url)
                    ? new JsonArray()
                    : new JsonArray(new JsonObject { ["url"] = bot.Subscription.Url, ["time"] = 0 }),
            })).WithSummary("The webhook subscription, if any.");
        api.MapPost("/subscriptions", SubscribeAsync).WithSummary("Subscribes a webhook URL with a secret (X-Max-Bot-Api-Secret).");
        api.MapDelete("/subscriptions", (HttpRequest request, string? access_token, MaxBot bot) =>
        {
            if (Authorized(request, access_token, bot) is { } refused)
            {
                return refused;
            }

            bot.Unsubscribe();
            return Results.Json(new JsonObject { ["success"] = true });
        }).WithSummary("Removes the webhook subscription.");

        var sim = endpoints.MapGroup("/sim/max").WithTags("MAX");
        sim.MapPost("/users/{userId:long}/start", StartAsync).WithSummary("The user opens the bot, by a deep link when payload is given (bot_started).");
        sim.MapPost("/users/{userId:long}/messages", WriteAsync).WithSummary("The user writes to the bot (message_created).");
        sim.MapPost("/users/{userId:long}/taps", TapAsync).WithSummary("The user taps a button of the latest message that has it (message_callback).");
        sim.MapPost("/users/{userId:long}/stop", StopAsync).WithSummary("The user blocks the bot (bot_stopped): later sends are refused.");
        sim.MapGet("/messages", (long? userId, MaxBot bot) => TypedResults.Ok(bot.Sent(userId))).WithSummary("Messages the bot sent, with their buttons.");
        sim.MapGet("/updates", (long? userId, MaxBot bot) => TypedResults.Ok(bot.Updates(userId))).WithSummary("Every update built (raw body and secret), posted or not.");
        sim.MapGet("/answers", (MaxBot bot) => TypedResults.Ok(bot.Answers())).WithSummary("Callback answers the bot gave.");
        sim.MapDelete("/", (MaxBot bot) =>
        {
            bot.Clear();
            return TypedResults.NoContent();
        }).WithSummary("Forgets MAX users, messages, updates and answers.");
        return endpoints;
    }

    /// <summary>MAX takes the token in the <c>Authorization</c> header (older: the <c>access_token</c> query parameter).</summary>
    private static IResult? Authorized(HttpRequest request, string? accessToken, MaxBot bot) =>
        bot.IsAuthorized(request.Headers.Authorization.ToString(), accessToken)
            ? null
            : Json(MaxBot.Error(StatusCodes.Status401Unauthorized, "verify.token", "Invalid access_token"));

    private static IResult Json(MaxAnswer answer) => Results.Text(answer.Body.ToJsonString(), "application/json", statusCode: answer.HttpStatus);

    private static async Task<JsonObject?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<IResult> SendAsync(
        HttpRequest request, string? access_token, long? user_id, long? chat_id, MaxBot bot, CancellationToken cancellationToken)
    {
        if (Authorized(request, access_token, bot) is { } refused)
        {
            return refused;
        }

        if (user_id is null && chat_id is null)
        {
            return Json(MaxBot.Error(StatusCodes.Status400BadRequest, "proto.payload", "user_id or chat_id is required"));
        }

        var answer = bot.Send(user_id, chat_id, await ReadAsync(request, cancellationToken));
        if (answer.DelayMs is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return Json(answer);
    }

    private static async Task<IResult> AnswerAsync(HttpRequest request, string? access_token, string? callback_id, MaxBot bot, CancellationToken cancellationToken)
    {
        if (Authorized(request, access_token, bot) is { } refused)
        {
            return refused;
        }

        return !string.IsNullOrEmpty(callback_id) && bot.Answer(callback_id, await ReadAsync(request, cancellationToken))
            ? Results.Json(new JsonObject { ["success"] = true })
            : Json(MaxBot.Error(StatusCodes.Status404NotFound, "not.found", "callback_id not found"));
    }

    private static async Task<IResult> SubscribeAsync(HttpRequest request, string? access_token, MaxBot bot, CancellationToken cancellationToken)
    {
        if (Authorized(request, access_token, bot) is { } refused)
        {
            return refused;
        }

        var body = await ReadAsync(request, cancellationToken);
        var url = body?["url"]?.ToString();
        var secret = body?["secret"]?.ToString() ?? "";
        if (url is null || !SimulatorOptionsValidator.IsHttpUrl(url))
        {
            return Json(MaxBot.Error(StatusCodes.Status400BadRequest, "proto.payload", "url must start with http(s)://"));
        }

        // MAX: 5 to 256 characters, A-Z a-z 0-9 _ - (from its SDKs; unverified against the platform itself).
        if (secret.Length > 0 && (secret.Length is < 5 or > 256 || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return Json(MaxBot.Error(StatusCodes.Status400BadRequest, "proto.payload", "secret must be 5-256 characters of A-Z, a-z, 0-9, _ and -"));
        }

        bot.Subscribe(url, secret);
        return Results.Json(new JsonObject { ["success"] = true });
    }

    private static async Task<Results<Accepted<MaxUpdate>, ValidationProblem>> StartAsync(
        long userId, MaxStart start, MaxBot bot, CancellationToken cancellationToken)
    {
        string? phone = null;
        if (start.Phone is not null)
        {
            if (!PhoneNumber.TryNormalize(start.Phone, out var normalized))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = ["Not a phone number."] });
            }

            phone = normalized.E164;
        }

        return TypedResults.Accepted((string?)null, await bot.StartAsync(userId, start.Payload, start.Name, phone, cancellationToken));
    }

    private static async Task<Results<Accepted<MaxUpdate>, ValidationProblem>> WriteAsync(long userId, MaxText message, MaxBot bot, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(message.Text))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["Give the text the user writes."] });
        }

        return bot.WriteAsync(userId, message.Text, cancellationToken) is { } posting
            ? TypedResults.Accepted((string?)null, await posting)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["This user has not started the bot."] });
    }

    private static async Task<Results<Accepted<MaxUpdate>, ValidationProblem>> TapAsync(long userId, MaxTap tap, MaxBot bot, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(tap.Payload))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["payload"] = ["Give the payload of the button tapped."] });
        }

        return bot.TapAsync(userId, tap.Payload, tap.Mid, cancellationToken) is { } posting
            ? TypedResults.Accepted((string?)null, await posting)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["payload"] = ["No message to this user has a button with this payload."] });
    }

    private static async Task<Results<Accepted<MaxUpdate>, ValidationProblem>> StopAsync(long userId, MaxBot bot, CancellationToken cancellationToken) =>
        bot.StopAsync(userId, cancellationToken) is { } posting
            ? TypedResults.Accepted((string?)null, await posting)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["This user has not started the bot."] });
}

/// <summary>The body of <c>POST /sim/max/users/{userId}/start</c>.</summary>
/// <param name="Payload">The deep link's <c>start</c> parameter, as <c>https://max.ru/&lt;bot&gt;?start=&lt;payload&gt;</c> passes it.</param>
/// <param name="Phone">The user's phone, to show the bot's messages on that phone's page too.</param>
public sealed record MaxStart(string? Payload = null, string? Name = null, string? Phone = null);

public sealed record MaxText(string? Text);

/// <param name="Mid">The message whose button is tapped; by default the latest one to the user with that button.</param>
public sealed record MaxTap(string? Payload, string? Mid = null);
