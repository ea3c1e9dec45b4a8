using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.Segments;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>
/// Does what SMS Aero does with a v2/sms/send call: validates it, bills it, delivers it, and schedules the receipt to
/// the message's own callbackUrl.
/// </summary>
public sealed class SmsAeroSender(
    SmsAeroAccount account,
    MessageInbox inbox,
    FaultStore faults,
    ReceiptQueue receipts,
    SendRequestLog requests,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<SmsAeroSender> logger)
{
    public const string Provider = ProviderNames.SmsAero;

    public SmsAeroAnswer Send(string method, IReadOnlyDictionary<string, string> fields)
    {
        var receivedAt = time.GetUtcNow();
        var sequence = requests.NextSequence();
        var (answer, attempt) = Decide(fields, receivedAt);
        requests.Add(new SendRequestRecord(
            sequence,
            receivedAt,
            Provider,
            method,
            fields,
            answer.HttpStatus,
            answer.Envelope.Message,
            attempt is null ? [] : [attempt],
            account.Balance,
            answer.HttpStatus,
            answer.DelayMs));
        return answer;
    }

    private (SmsAeroAnswer, SendAttempt?) Decide(IReadOnlyDictionary<string, string> fields, DateTimeOffset now)
    {
        var number = fields.GetValueOrDefault("number");
        var text = fields.GetValueOrDefault("text") ?? "";
        var callbackUrl = fields.GetValueOrDefault("callbackUrl") is { Length: > 0 } url ? url : null;
        var validation = new Dictionary<string, string[]>();
        if (!PhoneNumber.TryNormalize(number, out var phone))
        {
            validation["number"] = ["Invalid phone number"];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            validation["text"] = ["Text cannot be blank."];
        }

        if (callbackUrl is not null && !SimulatorOptionsValidator.IsHttpUrl(callbackUrl))
        {
            validation["callbackUrl"] = ["Invalid url"];
        }

        if (validation.Count > 0)
        {
            logger.ProviderSendRefused(Provider, PhoneNumber.Mask(number), StatusCodes.Status400BadRequest, SmsAeroMessages.ValidationError);
            return (SmsAeroAnswer.Failure(StatusCodes.Status400BadRequest, SmsAeroMessages.ValidationError, validation), null);
        }

        var fault = faults.Take(Provider, phone!.E164);
        if (fault?.HttpStatus is { } httpStatus)
        {
            logger.ProviderHttpFault(Provider, phone.Masked, httpStatus);
            return (SmsAeroAnswer.Failure(httpStatus, ReasonPhrases.GetReasonPhrase(httpStatus)) with { DelayMs = fault.DelayMs }, null);
        }

        if (SmsAeroStatus.ForOutcome(fault?.Outcome) is var (outcomeStatus, outcomeMessage, outcomeData))
        {
            logger.ProviderSendRefused(Provider, phone.Masked, outcomeStatus, outcomeMessage);
            return (SmsAeroAnswer.Failure(outcomeStatus, outcomeMessage, outcomeData) with { DelayMs = fault!.DelayMs }, null);
        }

        var segments = SmsSegments.Count(text).Segments;
        var cost = SmsAeroAccount.PriceOf(segments);
        if (!account.TryCharge(cost))
        {
            logger.ProviderSendRefused(Provider, phone.Masked, StatusCodes.Status400BadRequest, SmsAeroMessages.NoFunds);
            return (SmsAeroAnswer.Failure(StatusCodes.Status400BadRequest, SmsAeroMessages.NoFunds), null);
        }

        var id = account.NextId().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sign = fields.GetValueOrDefault("sign") is { Length: > 0 } given ? given : SmsAeroSms.DefaultSign;
        var message = new InboxMessage(id, phone.E164, text, Provider, sign, now, MessageStatus.Accepted, SmsAeroStatus.Queue, segments, cost, false);
        inbox.Add(message);
        if (SmsAeroStatus.ForReceipt(fault) is { } receiptStatus)
        {
            receipts.Enqueue(new PendingReceipt(
                Provider, id, phone, receiptStatus, now.AddMilliseconds(options.Value.SmsAero.ReceiptDelayMs), CallbackUrl: callbackUrl));
        }

        logger.ProviderMessageAccepted(Provider, id, phone.Masked, segments);
        return (
            SmsAeroAnswer.Ok(SmsAeroSms.Of(message)) with { DelayMs = fault?.DelayMs },
            new SendAttempt(phone.Digits, phone.E164, "OK", StatusCodes.Status200OK, null, id, cost, segments, fault?.DelayMs));
    }
}

/// <summary>An SMS Aero answer: its HTTP status and envelope, and how late a fault makes it.</summary>
public sealed record SmsAeroAnswer(int HttpStatus, SmsAeroEnvelope Envelope, int? DelayMs = null)
{
    public static SmsAeroAnswer Ok(object? data) => new(StatusCodes.Status200OK, new SmsAeroEnvelope(true, data, null));

    public static SmsAeroAnswer Failure(int httpStatus, string message, object? data = null) =>
        new(httpStatus, new SmsAeroEnvelope(false, data, message));

    public IResult ToResult() => TypedResults.Json(Envelope, statusCode: HttpStatus);
}
