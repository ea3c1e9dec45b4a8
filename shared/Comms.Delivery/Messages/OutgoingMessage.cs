namespace Comms.Delivery.Messages;

/// <summary>One message at a gateway: who it is for, under which purpose, and what became of it.</summary>
public sealed class OutgoingMessage
{
    /// <summary>The stable id Scheduling gave the send; a second command with it is a repeat and is dropped.</summary>
    public Guid MessageId { get; set; }

    public required string Channel { get; set; }

    public required string ClinicId { get; set; }

    public string? PatientId { get; set; }

    public string? AppointmentId { get; set; }

    /// <summary>Normalized: E.164 phone, or lower-case email.</summary>
    public required string Contact { get; set; }

    public required string Purpose { get; set; }

    public string? TemplateKey { get; set; }

    public string? ExpectedReply { get; set; }

    public required string Status { get; set; }

    public string? Reason { get; set; }

    /// <summary>Why it ended so, for programs (<see cref="Comms.Contracts.Delivery.StatusCauses"/>), when that matters.</summary>
    public string? Cause { get; set; }

    /// <summary>No provider may be handed it after this moment (the send's <c>NotAfter</c>); null: no deadline.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    public string? Provider { get; set; }

    public string? ProviderMessageId { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a provider took it.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>Parts billed (SMS segments), when known.</summary>
    public int? Segments { get; set; }

    /// <summary>What the provider charges for it: segments × the account's price.</summary>
    public decimal? Cost { get; set; }

    public string? Currency { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<MessageStatusEntry> History { get; set; } = [];
}

public sealed class MessageStatusEntry
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    public required string Status { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset OccurredAt { get; set; }
}
