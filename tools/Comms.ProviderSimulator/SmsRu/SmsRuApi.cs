using System.Globalization;
using System.Text;
using Comms.ProviderSimulator.Requests;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>SMS.ru's HTTP API under /smsru: point the gateway's base URL at http://localhost:5199/smsru.</summary>
public static class SmsRuApi
{
    public static IEndpointRouteBuilder MapSmsRuApi(this IEndpointRouteBuilder endpoints)
    {
        var smsRu = endpoints.MapGroup("/smsru").WithTags("SMS.ru");

        // SMS.ru answers HTTP 200 whatever happened; the outcome is in the body's status codes.
        smsRu.MapMethods("/sms/send", [HttpMethods.Get, HttpMethods.Post], SendAsync)
            .DisableAntiforgery()
            .WithSummary("SMS.ru sms/send: to + msg, or multi[<phone>]=<text>; json=1 for the JSON answer.");

        return endpoints;
    }

    private static async Task<IResult> SendAsync(HttpRequest http, SmsRuSender sender, CancellationToken cancellationToken)
    {
        var request = await SmsRuSendRequest.ReadAsync(http, cancellationToken);
        var record = sender.Send(request);
        // A slow-provider fault: the message is taken at once, the answer comes late.
        if ((record.DelayMs ?? record.Results.Max(r => r.DelayMs)) is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        if (record.HttpStatus != StatusCodes.Status200OK)
        {
            return TypedResults.Text(record.StatusText, "text/plain", Encoding.UTF8, record.HttpStatus);
        }

        return request.Json
            ? TypedResults.Json(ToJson(record))
            : TypedResults.Text(ToPlainText(record), "text/plain", Encoding.UTF8);
    }

    public static SmsRuSendResponse ToJson(SendRequestRecord record) =>
        record.StatusCode != SmsRuStatus.Ok
            ? new SmsRuSendResponse("ERROR", record.StatusCode, record.StatusText, null, null)
            : new SmsRuSendResponse(
                "OK",
                SmsRuStatus.Ok,
                null,
                record.Results.ToDictionary(
                    r => r.Number,
                    r => new SmsRuNumberResponse(r.Status, r.StatusCode, r.SmsId, r.StatusText)),
                record.Balance);

    /// <summary>
    /// SMS.ru's answer without json=1: the status code, then one line per recipient in request order (its sms_id, or
    /// its error code when that one failed), then "balance=…".
    /// </summary>
    public static string ToPlainText(SendRequestRecord record)
    {
        if (record.StatusCode != SmsRuStatus.Ok)
        {
            return record.StatusCode.ToString(CultureInfo.InvariantCulture);
        }

        var text = new StringBuilder().Append(SmsRuStatus.Ok).Append('\n');
        foreach (var result in record.Results)
        {
            text.Append(result.SmsId ?? result.StatusCode.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.Append("balance=").Append((record.Balance ?? 0m).ToString(CultureInfo.InvariantCulture)).ToString();
    }
}
