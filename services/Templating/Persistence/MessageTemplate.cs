namespace Comms.Templating.Persistence;

/// <summary>
/// One version of a message text for a template identity: key, channel, locale and clinic (none = chain-wide).
/// A published version is never edited: a change is a new version, so every sent message names the exact text it was
/// rendered from. An identity has at most one draft and at most one published version at a time (database indexes).
/// </summary>
public sealed class MessageTemplate
{
    public Guid Id { get; set; }

    /// <summary>What the message is for, e.g. "appointment.reminder"; Scheduling's rules name it.</summary>
    public required string Key { get; set; }

    public required string Channel { get; set; }

    /// <summary>"ru", "en", "kk", "en-GB": the language in lower case, the region in upper case.</summary>
    public required string Locale { get; set; }

    /// <summary>The clinic this version overrides the chain-wide text for; null for the chain-wide text.</summary>
    public string? ClinicId { get; set; }

    public int Version { get; set; }

    /// <summary>
    /// Scriban text: the SMS / WhatsApp / MAX text, or an email's plain-text part. Variables are the dotted keys of
    /// ComposeMessage.Model ("patient.firstName").
    /// </summary>
    public required string Body { get; set; }

    /// <summary>Email only (Scriban).</summary>
    public string? Subject { get; set; }

    /// <summary>Email only: the HTML part (Scriban).</summary>
    public string? Html { get; set; }

    /// <summary>WhatsApp only: the name of the template Meta approved, for messages outside the 24-hour window.</summary>
    public string? WhatsAppTemplateName { get; set; }

    /// <summary>WhatsApp only: the approved template's parameters in order, each a Scriban expression.</summary>
    public List<string>? WhatsAppParameters { get; set; }

    public required string Status { get; set; }

    /// <summary>The signed-in user who wrote (or rolled back to) this version; "system" for the shipped texts.</summary>
    public required string Author { get; set; }

    /// <summary>The version this one started from (the published one when the draft was begun, or a rollback's source).</summary>
    public int? BasedOnVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }
}

public static class TemplateStatuses
{
    public const string Draft = "draft";
    public const string Published = "published";

    /// <summary>Once published, replaced by a later publish or rollback.</summary>
    public const string Archived = "archived";
}
