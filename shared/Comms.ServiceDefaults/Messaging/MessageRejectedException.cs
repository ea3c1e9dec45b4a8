namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// A message that can never succeed (invalid, unknown type, breaks a rule). It is not retried: it goes straight to
/// the queue's <c>_error</c> queue, with this exception's message as the reason (header <c>MT-Fault-Message</c>).
/// </summary>
public sealed class MessageRejectedException(string reason) : Exception(reason);
