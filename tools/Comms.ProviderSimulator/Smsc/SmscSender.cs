using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.Segments;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>
/// Does what SMSC.ru does with a sys/send.php call: checks it, refuses a client id already used for the same number,
/// bills it, delivers it and schedules the receipt. A request is all or nothing: SMSC answers one error_code for it.
/// </summary>
public sealed partial class SmscSender(
    SmscAccount account,
    MessageInbox inbox,
    FaultStore faults,
    ReceiptQueue receipts,
    SendRequestLog requests,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<SmscSender> logger)
{
    public const string Provider = ProviderNames.Smsc;

    public SmscAnswer Send(string method, IReadOnlyDictionary<string, string> fields)
    {
        var receivedAt = time.GetUtcNow();
        var sequence = requests.NextSequence();
        var (answer, results) = Decide(fields, receivedAt);
        var errorCode = answer.Body?["error_code"]?.GetValue<int>();
        requests.Add(new SendRequestRecord(
            sequence,
            receivedAt,
            Provider,
            method,
            fields,
            answer.HttpStatus != StatusCodes.Status200OK ? answer.HttpStatus : errorCode ?? 0,
            errorCode is { } code ? SmscStatus.TextOf(code) : null,
            results,
            account.Balance,
            answer.HttpStatus,
            answer.DelayMs));
        return answer;
    }

    private (SmscAnswer Answer, IReadOnlyList<SendAttempt> Results) Decide(IReadOnlyDictionary<string, string> fields, DateTimeOffset now)
    {
        var given = fields.GetValueOrDefault("phones") ?? "";
        if (!account.Authenticates(fields.GetValueOrDefault("login"), fields.GetValueOrDefault("psw")))
        {
            return Refused(given, SmscStatus.WrongCredentials);
        }

        var text = fields.GetValueOrDefault("mes") ?? "";
        var clientId = fields.GetValueOrDefault("id") is { Length: > 0 } id ? id : null;
        if (given.Length == 0 || text.Length == 0 || (clientId is not null && !ClientId().IsMatch(clientId)))
        {
            return Refused(given, SmscStatus.ParametersError);
        }

        var numbers = given.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var phones = new List<PhoneNumber>();
        foreach (var number in numbers)
        {
            if (!PhoneNumber.TryNormalize(number, out var phone))
            {
                return Refused(given, SmscStatus.BadPhoneFormat, clientId ?? account.NextId());
            }

            if (!phones.Contains(phone))
            {
                phones.Add(phone);
            }
        }

        if (phones.Count == 0)
        {
            return Refused(given, SmscStatus.ParametersError);
        }

        // The same client id to the same number again is refused and sends nothing: SMSC's guard against a repeated
        // request, which the simulator keeps for as long as the message is in the inbox.
        if (clientId is not null && phones.Any(p => inbox.Find(Provider, clientId, p.E164) is not null))
        {
            return Refused(given, SmscStatus.Duplicate);
        }

        var drawn = phones.Select(p => (Phone: p, Fault: faults.Take(Provider, p.E164))).ToList();
        var delayMs = drawn.Max(d => d.Fault?.DelayMs);
        foreach (var (phone, fault) in drawn)
        {
            var (outcomeCode, outcomeHttp) = SmscStatus.ForOutcome(fault?.Outcome);
            if ((fault?.HttpStatus ?? outcomeHttp) is { } httpStatus)
            {
                logger.ProviderHttpFault(Provider, phone.Masked, httpStatus);
                return (new SmscAnswer(null, httpStatus, delayMs), []);
            }

            if ((fault?.SendStatusCode ?? outcomeCode) is { } errorCode)
            {
                var (answer, results) = Refused(given, errorCode, clientId ?? account.NextId());
                return (answer with { DelayMs = delayMs }, results);
            }
        }

        var segments = SmsSegments.Count(text).Segments;
        var costPerPhone = SmscAccount.PriceOf(segments);
        if (!account.TryCharge(costPerPhone * phones.Count))
        {
            return Refused(given, SmscStatus.NoFunds, clientId ?? account.NextId());
        }

        var messageId = clientId ?? account.NextId();
        var sender = fields.GetValueOrDefault("sender") is { Length: > 0 } name ? name : null;
        var delay = options.Value.Smsc.ReceiptDelayMs;
        var accepted = new List<SendAttempt>();
        foreach (var (phone, fault) in drawn)
        {
            inbox.Add(new InboxMessage(
                messageId, phone.E164, text, Provider, sender, now, MessageStatus.Accepted, SmscStatus.Waiting, segments, costPerPhone, false));
            if (SmscStatus.ForReceipt(fault) is var (status, err))
            {
                receipts.Enqueue(new PendingReceipt(Provider, messageId, phone, status, now.AddMilliseconds(delay), err));
            }

            logger.ProviderMessageAccepted(Provider, messageId, phone.Masked, segments);
            accepted.Add(new SendAttempt(phone.Digits, phone.E164, "OK", 0, null, messageId, costPerPhone, segments, fault?.DelayMs));
        }

        var body = new JsonObject
        {
            ["id"] = SmscAnswer.IdNode(messageId, generated: clientId is null),
            ["cnt"] = segments * phones.Count,
        };
        // cost=2 adds the cost, cost=3 the cost and the balance left.
        if (fields.GetValueOrDefault("cost") is "2" or "3")
        {
            body["cost"] = SmscAccount.Format(costPerPhone * phones.Count);
        }

        if (fields.GetValueOrDefault("cost") == "3")
        {
            body["balance"] = SmscAccount.Format(account.Balance);
        }

        return (new SmscAnswer(body, DelayMs: delayMs), accepted);
    }

    private (SmscAnswer, IReadOnlyList<SendAttempt>) Refused(string phones, int errorCode, string? id = null)
    {
        logger.ProviderSendRefused(Provider, PhoneNumber.Mask(phones), errorCode, SmscStatus.TextOf(errorCode));
        return (SmscAnswer.Error(errorCode, id), []);
    }

    /// <summary>SMSC's client id: up to 40 letters, digits, '_' or '-'.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex ClientId();
}
