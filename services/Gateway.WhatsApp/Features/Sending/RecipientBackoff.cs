using System.Collections.Concurrent;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>
/// After a rate limit for a recipient (131056 is per business–patient pair; 130429 is the number's throughput), every
/// send to that recipient in this process waits until the pause is over, not only the one that met the limit.
/// </summary>
public sealed class RecipientBackoff(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new(StringComparer.Ordinal);

    public void Pause(string phone, TimeSpan pause)
    {
        var until = time.GetUtcNow() + pause;
        _notBefore.AddOrUpdate(phone, until, (_, current) => current > until ? current : until);
    }

    public async Task WaitAsync(string phone, CancellationToken cancellationToken)
    {
        while (_notBefore.TryGetValue(phone, out var until))
        {
            var wait = until - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                _notBefore.TryRemove(new KeyValuePair<string, DateTimeOffset>(phone, until));
                return;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
