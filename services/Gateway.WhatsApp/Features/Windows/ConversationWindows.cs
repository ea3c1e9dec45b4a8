using Comms.Gateway.WhatsApp.Persistence;

namespace Comms.Gateway.WhatsApp.Features.Windows;

/// <summary>
/// The 24-hour customer service window per (business number, patient), as this gateway knows it from the patient's own
/// messages at its webhook. Meta's view is the one that counts: a 131047 from Meta means it was shut after all.
/// </summary>
public sealed class ConversationWindows(WhatsAppDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    public async Task<bool> IsOpenAsync(string phoneNumberId, string phone, CancellationToken cancellationToken)
    {
        var window = await db.ConversationWindows.FindAsync([phoneNumberId, phone], cancellationToken);
        return window is not null && time.GetUtcNow() - window.LastInboundAt < Length;
    }

    /// <summary>The patient wrote at <paramref name="at"/>: the window runs 24 hours from then. Older news changes nothing.</summary>
    public async Task OpenAsync(string phoneNumberId, string phone, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var window = await db.ConversationWindows.FindAsync([phoneNumberId, phone], cancellationToken);
        if (window is null)
        {
            db.ConversationWindows.Add(new ConversationWindow { PhoneNumberId = phoneNumberId, Phone = phone, LastInboundAt = at });
        }
        else if (at > window.LastInboundAt)
        {
            window.LastInboundAt = at;
        }
    }
}
