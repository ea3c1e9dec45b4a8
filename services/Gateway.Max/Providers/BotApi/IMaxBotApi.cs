using System.Text.Json.Nodes;
using Refit;

namespace Comms.Gateway.Max.Providers.BotApi;

/// <summary>
/// MAX's Bot API, relative to <c>Max:BaseUrl</c> (https://platform-api.max.ru). The bot's token goes in the
/// <c>Authorization</c> header as is, without a scheme (as MAX's own Go client sends it; the older API took
/// <c>access_token</c> in the query). Raw responses: the HTTP status and MAX's <c>{code, message}</c> decide the outcome.
/// </summary>
public interface IMaxBotApi
{
    [Post("/messages")]
    Task<HttpResponseMessage> SendAsync(
        [Query, AliasAs("user_id")] long userId, [Header("Authorization")] string token, [Body(buffered: true)] JsonObject message,
        CancellationToken cancellationToken);

    [Post("/answers")]
    Task<HttpResponseMessage> AnswerAsync(
        [Query, AliasAs("callback_id")] string callbackId, [Header("Authorization")] string token, [Body(buffered: true)] JsonObject answer,
        CancellationToken cancellationToken);
}
