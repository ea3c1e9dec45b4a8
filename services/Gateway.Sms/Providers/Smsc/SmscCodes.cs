using Comms.Contracts;

namespace Comms.Gateway.Sms.Providers.Smsc;

/// <summary>SMSC.ru's send error codes and message statuses (https://smsc.ru/api/http/, fmt=3) and what each means here.</summary>
public static class SmscCodes
{
    /// <summary>status.php's status for a message SMSC does not have.</summary>
    public const int NotFound = -3;

    /// <summary>The err that comes with status 23 when the number is on a stop-list: the subscriber refused mailings.</summary>
    public const int StopListError = 249;

    /// <summary>A send error in the common model. Only send.php's codes: nothing was sent for any of them.</summary>
    public static SmsSendResult SendError(int code, string? text)
    {
        var key = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reason = $"SMSC.ru error {code}: {DescribeError(code)}{(string.IsNullOrWhiteSpace(text) ? "" : $" ({text})")}";
        return code switch
        {
            3 => new SmsSendResult.NotSent(key, reason, NotSentKind.NoFunds),
            2 or 4 => new SmsSendResult.NotSent(key, reason, NotSentKind.AccountProblem),
            9 => new SmsSendResult.NotSent(key, reason, NotSentKind.RateLimited),
            7 => new SmsSendResult.Rejected(key, reason, RejectionKind.BadNumber),
            1 or 6 or 8 => new SmsSendResult.Rejected(key, reason, RejectionKind.Other),
            // A code this adapter does not know: SMSC refused, so nothing went out; another account may do better.
            _ => new SmsSendResult.NotSent(key, reason, NotSentKind.Unavailable),
        };
    }

    public static string DescribeError(int code) => code switch
    {
        1 => "error in the parameters",
        2 => "wrong login or password, or this IP is not allowed",
        3 => "not enough money on the SMSC.ru account",
        4 => "this IP is temporarily blocked",
        5 => "error deleting the message",
        6 => "message forbidden (its text or sender name)",
        7 => "wrong phone number format",
        8 => "the message cannot be delivered to this number",
        9 => "duplicate or too frequent requests",
        _ => "unknown error",
    };

    /// <summary>A status (callback or status.php) in the common model; null for statuses that say nothing new.</summary>
    public static SmsCallbackItem.Receipt? Receipt(string messageId, int status, int error, DateTimeOffset? at)
    {
        var common = status switch
        {
            0 => MessageStatuses.Sent,
            1 or 2 => MessageStatuses.Delivered,
            3 => MessageStatuses.Expired,
            20 or 24 or 25 => MessageStatuses.FailedTemporary,
            22 or 23 => MessageStatuses.FailedPermanent,
            _ => null,
        };
        if (common is null)
        {
            return null;
        }

        var code = error == 0 ? $"{status}" : $"{status}/{error}";
        var reason = $"SMSC.ru status {status}: {DescribeStatus(status)}{(error == 0 ? "" : $" (err {error})")}";
        return new SmsCallbackItem.Receipt(messageId, common, code, reason, at,
            StopListed: status == 23 && error == StopListError, BadNumber: status == 22);
    }

    public static string DescribeStatus(int status) => status switch
    {
        -3 => "not found",
        -1 => "waiting to be sent",
        0 => "passed to the carrier",
        1 => "delivered",
        2 => "read",
        3 => "expired",
        20 => "cannot be delivered",
        22 => "wrong number",
        23 => "forbidden",
        24 => "not enough money",
        25 => "unreachable number",
        _ => "unknown status",
    };
}
