using System.Threading.Channels;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>Hands receipts from the send endpoint to <see cref="ReceiptWorker"/> without making the send wait.</summary>
public sealed class ReceiptQueue
{
    private readonly Channel<PendingReceipt> _channel =
        Channel.CreateUnbounded<PendingReceipt>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<PendingReceipt> Reader => _channel.Reader;

    public void Enqueue(PendingReceipt receipt)
    {
        if (!_channel.Writer.TryWrite(receipt))
        {
            throw new InvalidOperationException("The receipt queue is closed.");
        }
    }
}
