using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Receipts;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>POSTs SMS.ru callback entries to the gateway's webhook.</summary>
public sealed class SmsRuCallbackClient(HttpClient http, IOptions<SimulatorOptions> options) : IReceiptCallbacks
{
    public string Provider => ProviderNames.SmsRu;

    public async Task<CallbackOutcome> PostAsync(string callbackUrl, string data, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([KeyValuePair.Create("data[0]", data)]);
        // SMS.ru counts a callback as taken only when the receiver answers "100".
        return await CallbackOutcome.PostAsync(
            http, callbackUrl, content, (status, body) => status is >= 200 and < 300 && body.Trim() == "100", cancellationToken);
    }

    public string InboxStatusOf(int statusCode) => ReceiptWorker.ToInboxStatus(statusCode);

    public string? CallbackUrlOf(PendingReceipt receipt) => options.Value.SmsRu.CallbackUrl;

    public Task<CallbackOutcome> PostReceiptAsync(
        string callbackUrl, PendingReceipt receipt, InboxMessage message, DateTimeOffset at, CancellationToken cancellationToken) =>
        PostAsync(callbackUrl, SmsRuCallbackData.SmsStatus(receipt.SmsId, receipt.StatusCode, at), cancellationToken);
}
