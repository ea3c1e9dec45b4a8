using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.SmsRu;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>
/// When a receipt falls due, moves the message to its final status in the inbox and POSTs the receipt to the
/// configured callback, retrying a failed callback after 1 s, 2 s and 5 s. Each receipt runs on its own, so a slow
/// callback never holds up the others.
/// </summary>
public sealed class ReceiptWorker(
    ReceiptQueue queue,
    MessageInbox inbox,
    SmsRuCallbackClient callbacks,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<ReceiptWorker> logger) : BackgroundService
{
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

            var status = ToInboxStatus(receipt.StatusCode);
            if (!inbox.TryApplyReceipt(receipt.SmsId, receipt.StatusCode, status))
            {
                // The inbox was cleared since: the message no longer exists, and neither does its receipt.
                return;
            }

            logger.ReceiptDue(receipt.SmsId, receipt.To.Masked, receipt.StatusCode, status);

            var callbackUrl = options.Value.SmsRu.CallbackUrl;
            if (string.IsNullOrWhiteSpace(callbackUrl))
            {
                return;
            }

            var data = SmsRuCallbackData.SmsStatus(receipt.SmsId, receipt.StatusCode, time.GetUtcNow());
            for (var attempt = 0; ; attempt++)
            {
                var outcome = await callbacks.PostAsync(callbackUrl, data, stoppingToken);
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

    /// <summary>103 delivered and 110 read mean the phone has it; 100–102 are still on the way; the rest failed.</summary>
    public static string ToInboxStatus(int receiptStatusCode) => receiptStatusCode switch
    {
        _ when SmsRuStatus.IsDeliveredReceipt(receiptStatusCode) => MessageStatus.Delivered,
        >= 100 and <= 102 => MessageStatus.Accepted,
        _ => MessageStatus.Failed,
    };
}
