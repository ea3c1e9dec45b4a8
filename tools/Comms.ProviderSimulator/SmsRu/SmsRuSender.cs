using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.Segments;
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
        var results = new List<SendAttempt>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, text) in request.Recipients())
        {
            var valid = PhoneNumber.TryNormalize(number, out var phone);
            // SMS.ru answers per number keyed by its digits; the same number twice is sent once.
            var key = valid ? phone!.Digits : number;
            if (seen.Add(key))
            {
                results.Add(SendOne(key, valid ? phone : null, text, request, receivedAt));
            }
        }

        return new SendRequestRecord(
            sequence, receivedAt, Provider, request.Method, request.Fields, SmsRuStatus.Ok, null, results, account.Balance);
    }

    private SendAttempt SendOne(string key, PhoneNumber? phone, string text, SmsRuSendRequest request, DateTimeOffset now)
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

        var fault = faults.Take(Provider, phone.E164);
        if (fault?.SendStatusCode is { } faultCode)
        {
            logger.MessageRejected(phone.Masked, faultCode);
            return Error(key, phone, faultCode) with { DelayMs = fault.DelayMs };
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
        if (!request.Test)
        {
            var receiptCode = fault?.ReceiptStatusCode ?? SmsRuStatus.Delivered;
            receipts.Enqueue(new PendingReceipt(
                smsId, phone, receiptCode, now.AddMilliseconds(options.Value.SmsRu.ReceiptDelayMs)));
        }

        logger.MessageAccepted(smsId, phone.Masked, segments, request.Test);
        return new SendAttempt(key, phone.E164, "OK", SmsRuStatus.Ok, null, smsId, cost, segments, fault?.DelayMs);
    }

    private static SendAttempt Error(string key, PhoneNumber? phone, int statusCode) =>
        new(key, phone?.E164, "ERROR", statusCode, SmsRuStatus.TextOf(statusCode), null, 0m, 0);
}
