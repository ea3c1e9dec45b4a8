using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>
/// An SMSC.ru answer: a JSON body (fmt=3) under HTTP 200, or, by a fault, a bare HTTP error. Built as a JSON object
/// because SMSC's fields change type with the case: a generated id is a number, a client id a string.
/// </summary>
public sealed record SmscAnswer(JsonObject? Body, int HttpStatus = StatusCodes.Status200OK, int? DelayMs = null)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static SmscAnswer Error(int errorCode, string? id = null)
    {
        var body = new JsonObject
        {
            ["error"] = SmscStatus.TextOf(errorCode),
            ["error_code"] = errorCode,
        };
        if (id is not null && SmscStatus.ErrorCarriesId(errorCode))
        {
            body["id"] = IdNode(id);
        }

        return new SmscAnswer(body);
    }

    /// <summary>SMSC's own ids are numbers in its JSON; an id the client gave comes back as the string it was.</summary>
    public static JsonNode IdNode(string id, bool generated = false) =>
        generated && long.TryParse(id, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);

    public IResult ToResult() => Body is null
        ? Results.Text(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(HttpStatus), "text/plain", statusCode: HttpStatus)
        : Results.Text(Body.ToJsonString(Json), "application/json; charset=utf-8", statusCode: HttpStatus);
}
