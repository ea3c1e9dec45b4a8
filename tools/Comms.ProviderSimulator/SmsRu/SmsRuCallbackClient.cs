using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Receipts;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>
/// POSTs SMS.ru callback entries to the gateway's webhook. Receipts that fall due close together
/// (<see cref="SmsRuOptions.ReceiptBatchWindowMs"/>) go in one callback, <c>data[0]</c> … <c>data[99]</c>, as SMS.ru
/// sends them; each receipt hears its callback's outcome and is retried on its own when it was not taken.
/// </summary>
public sealed class SmsRuCallbackClient(HttpClient http, IOptions<SimulatorOptions> options, TimeProvider time) : IReceiptCallbacks
{
    public const int MaxEntriesPerCallback = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Gathering> _open = new(StringComparer.Ordinal);

    public string Provider => ProviderNames.SmsRu;

    public Task<CallbackOutcome> PostAsync(string callbackUrl, string data, CancellationToken cancellationToken) =>
        PostAsync(callbackUrl, [data], cancellationToken);

    private async Task<CallbackOutcome> PostAsync(string callbackUrl, IReadOnlyList<string> entries, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(entries.Select((data, i) => KeyValuePair.Create($"data[{i}]", data)));
        // SMS.ru counts a callback as taken only when the receiver answers "100".
        return await CallbackOutcome.PostAsync(
            http, callbackUrl, content, (status, body) => status is >= 200 and < 300 && body.Trim() == "100", cancellationToken);
    }

    public string InboxStatusOf(int statusCode) => ReceiptWorker.ToInboxStatus(statusCode);

    public string? CallbackUrlOf(PendingReceipt receipt) => options.Value.SmsRu.CallbackUrl;

    public Task<CallbackOutcome> PostReceiptAsync(
        string callbackUrl, PendingReceipt receipt, InboxMessage message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var data = SmsRuCallbackData.SmsStatus(receipt.SmsId, receipt.StatusCode, at);
        var window = options.Value.SmsRu.ReceiptBatchWindowMs;
        if (window <= 0)
        {
            return PostAsync(callbackUrl, data, cancellationToken);
        }

        Gathering gathering;
        bool opened, full;
        lock (_gate)
        {
            opened = !_open.TryGetValue(callbackUrl, out gathering!);
            if (opened)
            {
                gathering = new Gathering();
                _open[callbackUrl] = gathering;
            }

            gathering.Entries.Add(data);
            full = gathering.Entries.Count >= MaxEntriesPerCallback;
            if (full)
            {
                _open.Remove(callbackUrl);
            }
        }

        if (full)
        {
            _ = SendAsync(callbackUrl, gathering, cancellationToken);
        }
        else if (opened)
        {
            _ = SendAfterAsync(callbackUrl, gathering, TimeSpan.FromMilliseconds(window), cancellationToken);
        }

        return gathering.Outcome.Task;
    }

    private async Task SendAfterAsync(string callbackUrl, Gathering gathering, TimeSpan window, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(window, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            gathering.Outcome.TrySetCanceled(cancellationToken);
            return;
        }

        lock (_gate)
        {
            if (_open.TryGetValue(callbackUrl, out var current) && ReferenceEquals(current, gathering))
            {
                _open.Remove(callbackUrl);
            }
        }

        await SendAsync(callbackUrl, gathering, cancellationToken);
    }

    /// <summary>Once per gathering, whichever comes first: its window ends or it is full.</summary>
    private async Task SendAsync(string callbackUrl, Gathering gathering, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref gathering.Sent, 1) == 1)
        {
            return;
        }

        string[] entries;
        lock (_gate)
        {
            entries = [.. gathering.Entries];
        }

        try
        {
            gathering.Outcome.TrySetResult(await PostAsync(callbackUrl, entries, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            gathering.Outcome.TrySetCanceled(cancellationToken);
        }
        catch (Exception ex)
        {
            gathering.Outcome.TrySetException(ex);
        }
    }

    private sealed class Gathering
    {
        public readonly List<string> Entries = [];

        public readonly TaskCompletionSource<CallbackOutcome> Outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Sent;
    }
}
