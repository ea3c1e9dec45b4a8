using System.Security.Cryptography;
using Comms.Scheduling.Persistence;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>The ids and deadlines of a send's channel attempts (docs/channel-fallback.md).</summary>
public static class ChannelSteps
{
    /// <summary>
    /// The message id a send's channel attempt travels with: the send's own for the first channel, and for each later one
    /// a name-based UUID (version 5 layout) of the send's id and the step. The same attempt always gets the same id, so a
    /// repeat of it is dropped by Templating and the gateway like any repeat.
    /// </summary>
    public static Guid AttemptId(Guid sendMessageId, int step)
    {
        if (step == 0)
        {
            return sendMessageId;
        }

        Span<byte> name = stackalloc byte[20];
        sendMessageId.TryWriteBytes(name, bigEndian: true, out _);
        BitConverter.TryWriteBytes(name[16..], step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 here names an id (RFC 9562 version 5), it protects nothing.
        SHA1.HashData(name, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>
    /// The deadline of a channel attempt started at <paramref name="now"/>: only when the send has a next channel to
    /// try and its rule gives one. The last channel has nothing to make way for, so it gets no deadline.
    /// </summary>
    public static DateTimeOffset? NotAfter(ScheduledSend send, DateTimeOffset now) =>
        send.ChannelStep + 1 < send.Channels.Count && send.Fallback.NotDeliveredWithinMinutes is { } minutes
            ? now + TimeSpan.FromMinutes(minutes)
            : null;
}
