using System.Security.Cryptography;
using System.Text;

namespace Comms.ServiceDefaults.Messaging;

public static class MessageIds
{
    /// <summary>
    /// A stable message id derived from another and a purpose (a follow-up, an alert to one address): the same every
    /// time, so a retried step cannot send its message twice. A version-8 (custom) UUID.
    /// </summary>
    public static Guid Derived(Guid messageId, string purpose)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{messageId:N}|{purpose}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
