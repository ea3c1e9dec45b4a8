namespace Comms.ProviderSimulator;

/// <summary>Log lines of the simulator: phone numbers masked, message text never logged.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(LogLevel.Information, "SMS.ru send refused with {StatusCode}: {StatusText}")]
    public static partial void SendRefused(this ILogger logger, int statusCode, string statusText);

    [LoggerMessage(LogLevel.Information, "SMS.ru message {SmsId} to {To} accepted: {Segments} segment(s), test {Test}")]
    public static partial void MessageAccepted(this ILogger logger, string smsId, string to, int segments, bool test);

    [LoggerMessage(LogLevel.Information, "SMS.ru message to {To} answered with ERROR {StatusCode}")]
    public static partial void MessageRejected(this ILogger logger, string to, int statusCode);

    [LoggerMessage(LogLevel.Information, "{Provider} receipt for {SmsId} to {To}: {StatusCode} ({Status})")]
    public static partial void ReceiptDue(this ILogger logger, string provider, string smsId, string to, int statusCode, string status);

    [LoggerMessage(LogLevel.Information, "Receipt for {SmsId} taken by the callback on attempt {Attempt}")]
    public static partial void ReceiptPosted(this ILogger logger, string smsId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Receipt for {SmsId} not taken on attempt {Attempt}: {Outcome}; retrying in {Delay}")]
    public static partial void ReceiptRetrying(this ILogger logger, string smsId, int attempt, string outcome, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "Receipt for {SmsId} abandoned after {Attempts} attempts: {Outcome}")]
    public static partial void ReceiptAbandoned(this ILogger logger, string smsId, int attempts, string outcome);

    [LoggerMessage(LogLevel.Error, "Receipt for {SmsId} failed")]
    public static partial void ReceiptFailed(this ILogger logger, Exception exception, string smsId);

    [LoggerMessage(LogLevel.Information, "Reply from {From} taken by the callback (HTTP {HttpStatus})")]
    public static partial void ReplyPosted(this ILogger logger, string from, int? httpStatus);

    [LoggerMessage(LogLevel.Warning, "Reply from {From} not taken by the callback: {Outcome}")]
    public static partial void ReplyNotTaken(this ILogger logger, string from, string outcome);

    [LoggerMessage(LogLevel.Information,
        "Fault {FaultId} injected for {Provider} to {To}: send {SendStatusCode}, outcome {Outcome}, HTTP {HttpStatus} (taken first: {Accepted}), " +
        "receipt {ReceiptStatusCode} {Receipt}, times {Times}, rate {ErrorRate}")]
    public static partial void FaultInjected(
        this ILogger logger,
        int faultId,
        string provider,
        string to,
        int? sendStatusCode,
        string? outcome,
        int? httpStatus,
        bool accepted,
        int? receiptStatusCode,
        string? receipt,
        int? times,
        double? errorRate);

    [LoggerMessage(LogLevel.Information, "{Provider} send to {To} refused with {Code}: {Reason}")]
    public static partial void ProviderSendRefused(this ILogger logger, string provider, string to, int code, string reason);

    [LoggerMessage(LogLevel.Information, "{Provider} send to {To} answered HTTP {HttpStatus} by a fault; nothing sent")]
    public static partial void ProviderHttpFault(this ILogger logger, string provider, string to, int httpStatus);

    [LoggerMessage(LogLevel.Information, "{Provider} message {MessageId} to {To} accepted: {Segments} segment(s)")]
    public static partial void ProviderMessageAccepted(this ILogger logger, string provider, string messageId, string to, int segments);

    [LoggerMessage(LogLevel.Information, "{Provider} account topped up by {Amount}: balance {Balance}")]
    public static partial void BalanceToppedUp(this ILogger logger, string provider, decimal amount, decimal balance);

    [LoggerMessage(LogLevel.Information, "{Provider} account balance set to {Balance}")]
    public static partial void BalanceSet(this ILogger logger, string provider, decimal balance);
}
