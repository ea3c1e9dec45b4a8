using System.Collections.Frozen;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>SMSC.ru's error codes (send.php, status.php) and message statuses, as its HTTP API documents them.</summary>
public static class SmscStatus
{
    public const int ParametersError = 1;
    public const int WrongCredentials = 2;
    public const int NoFunds = 3;
    public const int IpBlocked = 4;
    public const int MessageForbidden = 6;
    public const int BadPhoneFormat = 7;
    public const int CannotDeliver = 8;
    public const int Duplicate = 9;

    public const int NotFound = -3;
    public const int Waiting = -1;
    public const int PassedToCarrier = 0;
    public const int Delivered = 1;
    public const int Read = 2;
    public const int Expired = 3;
    public const int Undeliverable = 20;
    public const int WrongNumber = 22;
    public const int Forbidden = 23;
    public const int StatusNoFunds = 24;
    public const int Unreachable = 25;

    /// <summary>The err SMSC gives with status 23 when the number is on a stop-list: the patient opted out.</summary>
    public const int StopListedErr = 249;

    // The texts SMSC puts in "error" with fmt=3, as seen in its answers (charset aside, they are in English).
    private static readonly FrozenDictionary<int, string> ErrorTexts = new Dictionary<int, string>
    {
        [ParametersError] = "parameters error",
        [WrongCredentials] = "authorise error",
        [NoFunds] = "no money",
        [IpBlocked] = "ip is blocked",
        [5] = "invalid date format",
        [MessageForbidden] = "message is denied",
        [BadPhoneFormat] = "invalid number",
        [CannotDeliver] = "can't to deliver",
        [Duplicate] = "duplicate request, wait a minute",
    }.ToFrozenDictionary();

    private static readonly FrozenSet<int> ReceiptStatuses =
        new[] { Waiting, PassedToCarrier, Delivered, Read, Expired, Undeliverable, WrongNumber, Forbidden, StatusNoFunds, Unreachable }
            .ToFrozenSet();

    public static string TextOf(int errorCode) => ErrorTexts.GetValueOrDefault(errorCode, "unknown error");

    public static bool IsSendError(int code) => ErrorTexts.ContainsKey(code);

    public static bool IsReceiptStatus(int code) => ReceiptStatuses.Contains(code);

    /// <summary>SMSC only adds the message id to an error answer for these (errors about the message, not the request).</summary>
    public static bool ErrorCarriesId(int errorCode) => errorCode is NoFunds or MessageForbidden or BadPhoneFormat or CannotDeliver;

    /// <summary>1 delivered and 2 read mean the phone has it; -1 and 0 are on the way; the rest failed.</summary>
    public static string InboxStatusOf(int status) => status switch
    {
        Delivered or Read => MessageStatus.Delivered,
        Waiting or PassedToCarrier => MessageStatus.Accepted,
        _ => MessageStatus.Failed,
    };

    /// <summary>
    /// How SMSC answers a provider-neutral fault outcome at send time: its error_code, or an HTTP status when SMSC has
    /// no code for it (a service that is down answers no JSON at all). A stop-listed number is not refused at send:
    /// SMSC takes the message and reports it later as status 23 with err 249, so that outcome is played as a receipt.
    /// </summary>
    public static (int? ErrorCode, int? HttpStatus) ForOutcome(string? outcome) => outcome switch
    {
        FaultOutcomes.NoFunds => (NoFunds, null),
        FaultOutcomes.BadNumber => (BadPhoneFormat, null),
        FaultOutcomes.RateLimited => (Duplicate, null),
        FaultOutcomes.Unavailable => (null, StatusCodes.Status503ServiceUnavailable),
        _ => (null, null),
    };

    /// <summary>SMSC's status (and err) for a provider-neutral receipt: delivered unless told otherwise; null for none at all.</summary>
    public static (int Status, int Err)? ForReceipt(Fault? fault)
    {
        if (fault?.Outcome == FaultOutcomes.StopListed)
        {
            return (Forbidden, StopListedErr);
        }

        if (fault?.ReceiptStatusCode is { } code)
        {
            return (code, 0);
        }

        return fault?.Receipt switch
        {
            FaultReceipts.None => null,
            FaultReceipts.Expired => (Expired, 0),
            FaultReceipts.Undeliverable => (Undeliverable, 0),
            _ => (Delivered, 0),
        };
    }
}
