using System.Globalization;
using System.Text.Json.Nodes;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Requests;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>
/// SMSC.ru's HTTP API under /smsc: point the gateway's base URL at http://localhost:5199/smsc. Answers are fmt=3
/// (JSON) whatever fmt asks for; errors are HTTP 200 with error and error_code, as SMSC answers them.
/// </summary>
public static class SmscApi
{
    /// <summary>SMSC writes its times in Moscow time, which has no daylight saving.</summary>
    private static readonly TimeSpan MoscowOffset = TimeSpan.FromHours(3);

    public static IEndpointRouteBuilder MapSmscApi(this IEndpointRouteBuilder endpoints)
    {
        var smsc = endpoints.MapGroup("/smsc/sys").WithTags("SMSC.ru");

        smsc.MapMethods("/send.php", [HttpMethods.Get, HttpMethods.Post], SendAsync)
            .DisableAntiforgery()
            .WithSummary("SMSC.ru sys/send.php: login, psw, phones, mes, fmt=3, sender, id (client id), cost=3.");
        smsc.MapMethods("/status.php", [HttpMethods.Get, HttpMethods.Post], StatusAsync)
            .DisableAntiforgery()
            .WithSummary("SMSC.ru sys/status.php: login, psw, phone, id, fmt=3; status -3 when no such message.");

        return endpoints;
    }

    private static async Task<IResult> SendAsync(HttpRequest http, SmscSender sender, CancellationToken cancellationToken)
    {
        var fields = await RequestFields.ReadAsync(http, cancellationToken);
        var answer = sender.Send(http.Method, fields);
        // A slow-provider fault: the message is taken at once, the answer comes late.
        if (answer.DelayMs is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return answer.ToResult();
    }

    private static async Task<IResult> StatusAsync(
        HttpRequest http, SmscAccount account, MessageInbox inbox, CancellationToken cancellationToken)
    {
        var fields = await RequestFields.ReadAsync(http, cancellationToken);
        if (!account.Authenticates(fields.GetValueOrDefault("login"), fields.GetValueOrDefault("psw")))
        {
            return SmscAnswer.Error(SmscStatus.WrongCredentials).ToResult();
        }

        // One message per call: SMSC's lists of phones and ids ("phone1,phone2") are not simulated, but the trailing
        // comma it suggests for keeping the list format with one message is accepted.
        var id = fields.GetValueOrDefault("id")?.Trim().TrimEnd(',');
        var phoneField = fields.GetValueOrDefault("phone")?.Trim().TrimEnd(',');
        if (string.IsNullOrEmpty(id) || !PhoneNumber.TryNormalize(phoneField, out var phone))
        {
            return SmscAnswer.Error(SmscStatus.ParametersError).ToResult();
        }

        if (inbox.Find(SmscSender.Provider, id, phone.E164) is not { } message)
        {
            return new SmscAnswer(new JsonObject { ["status"] = SmscStatus.NotFound }).ToResult();
        }

        var changedAt = message.StatusChangedAt ?? message.ReceivedAt;
        return new SmscAnswer(new JsonObject
        {
            ["status"] = message.StatusCode,
            ["last_date"] = changedAt.ToOffset(MoscowOffset).ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture),
            ["last_timestamp"] = changedAt.ToUnixTimeSeconds(),
            ["flag"] = 0,
            ["err"] = message.ErrorCode ?? 0,
        }).ToResult();
    }
}
