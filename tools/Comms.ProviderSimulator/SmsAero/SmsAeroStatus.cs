using System.Collections.Frozen;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>SMS Aero v2's message statuses and their extendStatus names.</summary>
public static class SmsAeroStatus
{
    public const int Queue = 0;
    public const int Delivered = 1;
    public const int NotDelivered = 2;
    public const int Transmitted = 3;
    public const int Waiting = 4;
    public const int Rejected = 6;
    public const int Moderation = 8;

    // "queue", "delivery" and "moderation" are as SMS Aero's own clients show them; the others are the simulator's
    // reading of its status list (unverified).
    private static readonly FrozenDictionary<int, string> Names = new Dictionary<int, string>
    {
        [Queue] = "queue",
        [Delivered] = "delivery",
        [NotDelivered] = "no delivery",
        [Transmitted] = "transmitted",
        [Waiting] = "waiting",
        [Rejected] = "reject",
        [Moderation] = "moderation",
    }.ToFrozenDictionary();

    public static string ExtendStatusOf(int status) => Names.GetValueOrDefault(status, "unknown");

    /// <summary>1 delivered; 0, 3, 4 and 8 are on the way; 2 and 6 failed.</summary>
    public static string InboxStatusOf(int status) => status switch
    {
        Delivered => MessageStatus.Delivered,
        Queue or Transmitted or Waiting or Moderation => MessageStatus.Accepted,
        _ => MessageStatus.Failed,
    };

    /// <summary>
    /// How SMS Aero answers a provider-neutral fault outcome: its HTTP status and message; for a bad number, the
    /// validation error it gives an invalid number. "Number in stop list" is unverified.
    /// </summary>
    public static (int HttpStatus, string Message, object? Data)? ForOutcome(string? outcome) => outcome switch
    {
        FaultOutcomes.NoFunds => (StatusCodes.Status400BadRequest, SmsAeroMessages.NoFunds, null),
        FaultOutcomes.StopListed => (StatusCodes.Status400BadRequest, SmsAeroMessages.StopListed, null),
        FaultOutcomes.BadNumber => (StatusCodes.Status400BadRequest, SmsAeroMessages.ValidationError, SmsAeroMessages.InvalidNumber),
        FaultOutcomes.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Service Unavailable", null),
        FaultOutcomes.RateLimited => (StatusCodes.Status429TooManyRequests, "Too Many Requests", null),
        _ => null,
    };

    /// <summary>SMS Aero's status for a provider-neutral receipt: delivered unless told otherwise; null for none at all.
    /// SMS Aero has no "expired": a message that runs out of time is "not delivered".</summary>
    public static int? ForReceipt(Fault? fault) => fault?.ReceiptStatusCode ?? fault?.Receipt switch
    {
        FaultReceipts.None => null,
        FaultReceipts.Expired or FaultReceipts.Undeliverable => NotDelivered,
        _ => Delivered,
    };
}

/// <summary>The messages SMS Aero answers with.</summary>
public static class SmsAeroMessages
{
    public const string WrongCredentials = "Your credentials are incorrect";
    public const string ValidationError = "Validation error.";
    public const string NoFunds = "Insufficient funds";
    public const string StopListed = "Number in stop list";
    public const string NotFound = "Not found";

    public static readonly IReadOnlyDictionary<string, string[]> InvalidNumber =
        new Dictionary<string, string[]> { ["number"] = ["Invalid phone number"] };
}
