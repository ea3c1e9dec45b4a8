namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// Section <c>MessageRetry</c>: how long a consumer that fails for a transient reason (<see cref="TransientFailures"/>)
/// keeps trying a message before it goes to the queue's <c>_error</c> queue. The waits double from one second up to
/// <see cref="MaxInterval"/> until they add up to <see cref="TransientFor"/>: long enough to outlast a PostgreSQL
/// failover or restart, a broker restart, a network cut of minutes.
/// </summary>
public sealed class MessageRetryOptions
{
    public const string Section = "MessageRetry";

    /// <summary>
    /// At least this long. The message stays unacknowledged meanwhile: keep it below RabbitMQ's
    /// <c>consumer_timeout</c> (30 min by default), or the broker closes the channel and hands the message out again.
    /// </summary>
    public TimeSpan TransientFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait between two tries: after an outage ends, a message goes on within this.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Any other failure (not a rejection: that goes to <c>_error</c> at once) is tried again after these.</summary>
    public static readonly TimeSpan[] OtherFailureIntervals =
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>1 s, 2 s, 4 s, … up to <see cref="MaxInterval"/>, until they add up to <see cref="TransientFor"/>.</summary>
    public TimeSpan[] TransientIntervals()
    {
        var intervals = new List<TimeSpan>();
        var next = TimeSpan.FromSeconds(1) < MaxInterval ? TimeSpan.FromSeconds(1) : MaxInterval;
        var total = TimeSpan.Zero;
        while (total < TransientFor)
        {
            intervals.Add(next);
            total += next;
            next = next * 2 < MaxInterval ? next * 2 : MaxInterval;
        }

        return [.. intervals];
    }
}
