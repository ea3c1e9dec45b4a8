using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.SmsRu;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>
/// When a receipt falls due, moves the message to its final status in the inbox and POSTs the receipt, in its
/// provider's shape, to where that provider sends it, retrying a callback not taken after 1 s, 2 s and 5 s (as the
/// providers retry a status handler that does not answer 200). Each receipt runs on its own, so a slow callback never
/// holds up the others.
/// </summary>
public sealed class ReceiptWorker(
    ReceiptQueue queue,
    MessageInbox inbox,
    IEnumerable<IReceiptCallbacks> providers,
    TimeProvider time,
    ILogger<ReceiptWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IReceiptCallbacks> _providers = providers.ToDictionary(p => p.Provider);

    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new HashSet<Task>();
        try
        {
            await foreach (var receipt in queue.Reader.ReadAllAsync(stoppingToken))
            {
                var delivery = DeliverAsync(receipt, stoppingToken);
                lock (inFlight)
                {
                    inFlight.Add(delivery);
                }

                _ = delivery.ContinueWith(
                    done =>
                    {
                        lock (inFlight)
                        {
                            inFlight.Remove(done);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] remaining;
        lock (inFlight)
        {
            remaining = [.. inFlight];
        }

        await Task.WhenAll(remaining);
    }

    private async Task DeliverAsync(PendingReceipt receipt, CancellationToken stoppingToken)
    {
        try
        {
            var wait = receipt.DueAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }

            var callbacks = _providers[receipt.Provider];
            var status = callbacks.InboxStatusOf(receipt.StatusCode);
            var now = time.GetUtcNow();
            var message = inbox.ApplyReceipt(
                receipt.Provider, receipt.SmsId, receipt.To.E164, receipt.StatusCode, status, now, receipt.ErrorCode);
            if (message is null)
            {
                // The inbox was cleared since: the message no longer exists, and neither does its receipt.
                return;
            }

            logger.ReceiptDue(receipt.Provider, receipt.SmsId, receipt.To.Masked, receipt.StatusCode, status);

            var callbackUrl = callbacks.CallbackUrlOf(receipt);
            if (string.IsNullOrWhiteSpace(callbackUrl))
            {
                return;
            }

            for (var attempt = 0; ; attempt++)
            {
                var outcome = await callbacks.PostReceiptAsync(callbackUrl, receipt, message, now, stoppingToken);
                if (outcome.Accepted)
                {
                    logger.ReceiptPosted(receipt.SmsId, attempt + 1);
                    return;
                }

                if (attempt >= RetryDelays.Length)
                {
                    logger.ReceiptAbandoned(receipt.SmsId, attempt + 1, outcome.Describe());
                    return;
                }

                logger.ReceiptRetrying(receipt.SmsId, attempt + 1, outcome.Describe(), RetryDelays[attempt]);
                await Task.Delay(RetryDelays[attempt], time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.ReceiptFailed(ex, receipt.SmsId);
        }
    }

    /// <summary>SMS.ru: 103 delivered and 110 read mean the phone has it; 100–102 are still on the way; the rest failed.</summary>
    public static string ToInboxStatus(int receiptStatusCode) => receiptStatusCode switch
    {
        _ when SmsRuStatus.IsDeliveredReceipt(receiptStatusCode) => MessageStatus.Delivered,
        >= 100 and <= 102 => MessageStatus.Accepted,
        _ => MessageStatus.Failed,
    };
}
