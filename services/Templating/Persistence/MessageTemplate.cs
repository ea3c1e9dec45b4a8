namespace Comms.Templating.Persistence;

/// <summary>
/// One version of a message text for a template key, channel and locale. A published version is never edited:
/// a change is a new version, so every sent message names the exact text it was rendered from.
/// </summary>
public sealed class MessageTemplate
{
    public Guid Id { get; set; }

    /// <summary>What the message is for, e.g. "appointment.reminder"; Scheduling's rules name it.</summary>
    public required string Key { get; set; }

    public required string Channel { get; set; }

    public required string Locale { get; set; }

    public int Version { get; set; }

    /// <summary>Scriban text; variables are the dotted keys of ComposeMessage.Model ("patient.firstName").</summary>
    public required string Body { get; set; }

    /// <summary>Email only.</summary>
    public string? Subject { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }
}

public static class TemplateStatuses
{
    public const string Draft = "draft";
    public const string Published = "published";
}
