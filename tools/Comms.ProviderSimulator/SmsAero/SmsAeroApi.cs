using System.Globalization;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>
/// SMS Aero's v2 API under /smsaero: point the gateway's base URL at http://localhost:5199/smsaero. HTTP Basic with
/// the account's e-mail and API key; every answer is SMS Aero's {success, data, message} envelope. Each call takes its
/// fields from the query string or a JSON body alike, by GET or POST.
/// </summary>
public static class SmsAeroApi
{
    /// <summary>Messages per page of v2/sms/list (unverified).</summary>
    public const int PageSize = 30;

    public static IEndpointRouteBuilder MapSmsAeroApi(this IEndpointRouteBuilder endpoints)
    {
        var v2 = endpoints.MapGroup("/smsaero/v2")
            .WithTags("SMS Aero")
            .DisableAntiforgery()
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<SmsAeroAccount>().Authenticates(context.HttpContext.Request)
                    ? await next(context)
                    : SmsAeroAnswer.Failure(StatusCodes.Status401Unauthorized, SmsAeroMessages.WrongCredentials).ToResult());

        string[] methods = [HttpMethods.Get, HttpMethods.Post];
        v2.MapMethods("/sms/send", methods, SendAsync)
            .WithSummary("SMS Aero v2/sms/send: number, text, sign, callbackUrl (receipts are POSTed there as JSON).");
        v2.MapMethods("/sms/status", methods, StatusAsync)
            .WithSummary("SMS Aero v2/sms/status: id; 404 when no such message.");
        v2.MapMethods("/sms/list", methods, ListAsync)
            .WithSummary("SMS Aero v2/sms/list: number and text filters, page; newest first.");
        v2.MapMethods("/balance", methods, (SmsAeroAccount account) =>
                SmsAeroAnswer.Ok(new Dictionary<string, decimal> { ["balance"] = account.Balance }).ToResult())
            .WithSummary("SMS Aero v2/balance.");

        return endpoints;
    }

    private static async Task<IResult> SendAsync(HttpRequest http, SmsAeroSender sender, CancellationToken cancellationToken)
    {
        var fields = await SmsAeroRequest.ReadAsync(http, cancellationToken);
        var answer = sender.Send(http.Method, fields);
        // A slow-provider fault: the message is taken at once, the answer comes late.
        if (answer.DelayMs is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return answer.ToResult();
    }

    private static async Task<IResult> StatusAsync(HttpRequest http, MessageInbox inbox, CancellationToken cancellationToken)
    {
        var fields = await SmsAeroRequest.ReadAsync(http, cancellationToken);
        if (!long.TryParse(fields.GetValueOrDefault("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return SmsAeroAnswer.Failure(
                StatusCodes.Status400BadRequest,
                SmsAeroMessages.ValidationError,
                new Dictionary<string, string[]> { ["id"] = ["Id must be an integer."] }).ToResult();
        }

        return inbox.Find(SmsAeroSender.Provider, id.ToString(CultureInfo.InvariantCulture)) is { } message
            ? SmsAeroAnswer.Ok(SmsAeroSms.Of(message)).ToResult()
            : SmsAeroAnswer.Failure(StatusCodes.Status404NotFound, SmsAeroMessages.NotFound).ToResult();
    }

    private static async Task<IResult> ListAsync(HttpRequest http, MessageInbox inbox, CancellationToken cancellationToken)
    {
        var fields = await SmsAeroRequest.ReadAsync(http, cancellationToken);
        IEnumerable<InboxMessage> messages = inbox.ListOf(SmsAeroSender.Provider).Reverse();
        if (fields.GetValueOrDefault("number") is { Length: > 0 } number)
        {
            if (!PhoneNumber.TryNormalize(number, out var phone))
            {
                return SmsAeroAnswer.Failure(
                    StatusCodes.Status400BadRequest, SmsAeroMessages.ValidationError, SmsAeroMessages.InvalidNumber).ToResult();
            }

            messages = messages.Where(m => m.To == phone.E164);
        }

        if (fields.GetValueOrDefault("text") is { Length: > 0 } text)
        {
            messages = messages.Where(m => m.Text.Contains(text, StringComparison.Ordinal));
        }

        var found = messages.ToList();
        var page = int.TryParse(fields.GetValueOrDefault("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0
            ? asked
            : 1;
        var lastPage = Math.Max(1, (found.Count + PageSize - 1) / PageSize);

        // SMS Aero's list is an object: the messages under "0", "1", …, then "links" and "totalCount" (a string).
        var data = new Dictionary<string, object>();
        foreach (var (message, index) in found.Skip((page - 1) * PageSize).Take(PageSize).Select((m, i) => (m, i)))
        {
            data[index.ToString(CultureInfo.InvariantCulture)] = SmsAeroSms.Of(message);
        }

        var links = new Dictionary<string, string>
        {
            ["self"] = $"/v2/sms/list?page={page}",
            ["first"] = "/v2/sms/list?page=1",
            ["last"] = $"/v2/sms/list?page={lastPage}",
        };
        if (page < lastPage)
        {
            links["next"] = $"/v2/sms/list?page={page + 1}";
        }

        data["links"] = links;
        data["totalCount"] = found.Count.ToString(CultureInfo.InvariantCulture);
        return SmsAeroAnswer.Ok(data).ToResult();
    }
}
