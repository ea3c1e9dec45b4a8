using System.Net.Http.Json;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>
/// POSTs SMS Aero's callbacks as JSON: a message's receipt (the message as v2/sms/status shows it) to the callbackUrl
/// its send gave, and patient replies to the cabinet's callback URL. SMS Aero signs nothing; the gateway's secret is in
/// the URL. A callback counts as taken on any HTTP 2xx.
/// </summary>
public sealed class SmsAeroCallbackClient(HttpClient http) : IReceiptCallbacks
{
    public string Provider => ProviderNames.SmsAero;

    public string InboxStatusOf(int statusCode) => SmsAeroStatus.InboxStatusOf(statusCode);

    public string? CallbackUrlOf(PendingReceipt receipt) => receipt.CallbackUrl;

    public async Task<CallbackOutcome> PostReceiptAsync(
        string callbackUrl, PendingReceipt receipt, InboxMessage message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(SmsAeroSms.Of(message));
        return await PostAsync(callbackUrl, content, cancellationToken);
    }

    public async Task<CallbackOutcome> PostReplyAsync(
        string callbackUrl, long id, PhoneNumber from, PhoneNumber to, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(new SmsAeroInbound("inbound", id, from.Digits, to.Digits, text, at.ToUnixTimeSeconds()));
        return await PostAsync(callbackUrl, content, cancellationToken);
    }

    private Task<CallbackOutcome> PostAsync(string callbackUrl, HttpContent content, CancellationToken cancellationToken) =>
        CallbackOutcome.PostAsync(http, callbackUrl, content, (status, _) => status is >= 200 and < 300, cancellationToken);
}
