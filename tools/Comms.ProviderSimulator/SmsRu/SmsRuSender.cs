using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.Segments;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>Does what SMS.ru does with a sms/send call: checks it, bills it, delivers it, and schedules the receipt.</summary>
public sealed class SmsRuSender(
    SmsRuAccount account,
    MessageInbox inbox,
    FaultStore faults,
    ReceiptQueue receipts,
    SendRequestLog requests,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<SmsRuSender> logger)
{
    public const string Provider = "smsru";
    public const int MaxRecipients = 100;

    public SendRequestRecord Send(SmsRuSendRequest request)
    {
        var receivedAt = time.GetUtcNow();
        var sequence = requests.NextSequence();
        var record = Refusal(request) is { } refusal
            ? Refused(sequence, receivedAt, request, refusal)
            : Accepted(sequence, receivedAt, request);
        requests.Add(record);
        return record;
    }

    private int? Refusal(SmsRuSendRequest request)
    {
        var expectedApiId = options.Value.SmsRu.ApiId;
        if (string.IsNullOrWhiteSpace(request.ApiId)
            || (!string.IsNullOrEmpty(expectedApiId) && request.ApiId != expectedApiId))
        {
            return SmsRuStatus.WrongApiId;
        }

        var recipients = request.Recipients();
        if (recipients.Count == 0)
        {
            return SmsRuStatus.BadNumber;
        }

        if (request.Multi.Count == 0 && string.IsNullOrEmpty(request.Msg))
        {
            return SmsRuStatus.NoText;
        }

        return recipients.Count > MaxRecipients ? SmsRuStatus.TooManyNumbers : null;
    }

    private SendRequestRecord Refused(long sequence, DateTimeOffset receivedAt, SmsRuSendRequest request, int statusCode)
    {
        var statusText = SmsRuStatus.TextOf(statusCode);
        logger.SendRefused(statusCode, statusText);
        return new SendRequestRecord(
            sequence, receivedAt, Provider, request.Method, request.Fields, statusCode, statusText, [], null);
    }

    private SendRequestRecord Accepted(long sequence, DateTimeOffset receivedAt, SmsRuSendRequest request)
    {
        // SMS.ru answers per number keyed by its digits; the same number twice is sent once.
        var recipients = new List<(string Key, PhoneNumber? Phone, string Text)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, text) in request.Recipients())
        {
            var valid = PhoneNumber.TryNormalize(number, out var phone);
            var key = valid ? phone!.Digits : number;
            if (seen.Add(key))
            {
                recipients.Add((key, valid ? phone : null, text));
            }
        }

        // Faults are drawn before anything is sent, so that one answering an HTTP error can make the whole request
        // fail with nothing sent, as a provider that is down does.
        var faultsByKey = recipients
            .Where(r => r.Phone is not null && r.Text.Length > 0)
            .Select(r => (r.Key, Fault: faults.Take(Provider, r.Phone!.E164)))
            .Where(f => f.Fault is not null)
            .ToDictionary(f => f.Key, f => f.Fault!);
        if (faultsByKey.Values.FirstOrDefault(f => f.HttpStatus is not null) is { HttpStatus: { } httpStatus } httpFault)
        {
            logger.ProviderHttpFault(Provider, PhoneNumber.Mask(httpFault.To), httpStatus);
            return new SendRequestRecord(
                sequence, receivedAt, Provider, request.Method, request.Fields, httpStatus, ReasonPhrases.GetReasonPhrase(httpStatus),
                [], null, httpStatus, faultsByKey.Values.Max(f => f.DelayMs));
        }

        var results = recipients
            .Select(r => SendOne(r.Key, r.Phone, r.Text, faultsByKey.GetValueOrDefault(r.Key), request, receivedAt))
            .ToList();
        return new SendRequestRecord(
            sequence, receivedAt, Provider, request.Method, request.Fields, SmsRuStatus.Ok, null, results, account.Balance);
    }

    private SendAttempt SendOne(
        string key, PhoneNumber? phone, string text, Fault? fault, SmsRuSendRequest request, DateTimeOffset now)
    {
        if (phone is null)
        {
            logger.MessageRejected(PhoneNumber.Mask(key), SmsRuStatus.BadNumber);
            return Error(key, null, SmsRuStatus.BadNumber);
        }

        if (text.Length == 0)
        {
            logger.MessageRejected(phone.Masked, SmsRuStatus.NoText);
            return Error(key, phone, SmsRuStatus.NoText);
        }

        if ((fault?.SendStatusCode ?? SmsRuStatus.ForOutcome(fault?.Outcome)) is { } faultCode)
        {
            logger.MessageRejected(phone.Masked, faultCode);
            return Error(key, phone, faultCode) with { DelayMs = fault!.DelayMs };
        }

        var segments = SmsSegments.Count(text).Segments;
        var cost = SmsRuAccount.PriceOf(segments);
        // Test mode answers as a real send would but bills nothing and delivers nothing.
        if (!request.Test && !account.TryCharge(cost))
        {
            logger.MessageRejected(phone.Masked, SmsRuStatus.NoFunds);
            return Error(key, phone, SmsRuStatus.NoFunds);
        }

        var smsId = account.NextSmsId();
        inbox.Add(new InboxMessage(
            smsId, phone.E164, text, Provider, request.From, now, MessageStatus.Accepted, SmsRuStatus.Ok, segments, cost, request.Test));
        var receiptCode = fault?.ReceiptStatusCode ?? SmsRuStatus.ForReceipt(fault?.Receipt);
        if (!request.Test && receiptCode is { } code)
        {
            receipts.Enqueue(new PendingReceipt(
                Provider, smsId, phone, code, now.AddMilliseconds(options.Value.SmsRu.ReceiptDelayMs)));
        }

        logger.MessageAccepted(smsId, phone.Masked, segments, request.Test);
        return new SendAttempt(key, phone.E164, "OK", SmsRuStatus.Ok, null, smsId, cost, segments, fault?.DelayMs);
    }

    private static SendAttempt Error(string key, PhoneNumber? phone, int statusCode) =>
        new(key, phone?.E164, "ERROR", statusCode, SmsRuStatus.TextOf(statusCode), null, 0m, 0);
}
