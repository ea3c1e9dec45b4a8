namespace Comms.Delivery.Consent;

/// <summary>The gateway's copy of the ledger's current state for one (contact, channel, purpose).</summary>
public sealed class ConsentState
{
    public required string Contact { get; set; }

    public required string Channel { get; set; }

    public required string Purpose { get; set; }

    public bool Granted { get; set; }

    /// <summary>The ledger sequence this state comes from: an older event never overwrites a newer one.</summary>
    public long Sequence { get; set; }

    public required string Method { get; set; }

    public string? ClinicId { get; set; }

    public DateTimeOffset CapturedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// When the patient opted out through this gateway ("СТОП", a provider stop-list, an unsubscribe link), as long as
    /// the ledger has not announced a grant its re-grant rule accepted over that opt-out. It takes effect here at once,
    /// before the ledger hears of it, and until that announcement no grant reopens the channel.
    /// </summary>
    public DateTimeOffset? OptedOutAt { get; set; }

    /// <summary>
    /// The advisory lock every writer of this row holds from before it reads the row until it commits
    /// (<see cref="ConsentChangedConsumer"/>, <see cref="OptOuts"/>): one writer at a time, each seeing the last one's work.
    /// </summary>
    public static string LockSubject(string contact, string channel, string purpose) => $"consent|{contact}|{channel}|{purpose}";
}
