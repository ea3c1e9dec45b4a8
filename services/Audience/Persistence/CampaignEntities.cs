namespace Comms.Audience.Persistence;

/// <summary>
/// A marketing campaign: who it is for (<see cref="Definition"/>, JSON of <c>CampaignDefinition</c>), who made,
/// approved, launched, paused and stopped it. A marketer creates and edits it while it is a draft; a different person
/// with the approver role launches it (38-ФЗ ст. 18 ч. 2: advertising is sent with a person's participation).
/// </summary>
public sealed class Campaign
{
    public Guid Id { get; set; }

    /// <summary>The clinic or chain (an Audience scope) whose patients it is for.</summary>
    public required string ScopeId { get; set; }

    public required string Name { get; set; }

    /// <summary><see cref="CampaignStatuses"/>.</summary>
    public required string Status { get; set; }

    public required string Definition { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public DateTimeOffset? LaunchedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Counts the changes: an edit or an action names the revision it was made on (If-Match), so two people cannot overwrite each other unseen.</summary>
    public int Revision { get; set; }

    /// <summary><see cref="CampaignKinds"/>: a campaign, a journey (approved once, run daily), or one day's batch of a journey.</summary>
    public string Kind { get; set; } = CampaignKinds.Campaign;

    /// <summary>The journey a batch belongs to.</summary>
    public Guid? ParentId { get; set; }

    /// <summary>The day (in the clinic's zone) a batch is for; one batch per journey and day.</summary>
    public DateOnly? BatchDay { get; set; }
}

public static class CampaignKinds
{
    public const string Campaign = "campaign";

    /// <summary>Approved once by a person; Comms makes its batch every day from the journey's rule.</summary>
    public const string Journey = "journey";

    /// <summary>One day of a journey: its recipients frozen that day, sent like a campaign's, paused and stopped like one.</summary>
    public const string Batch = "batch";
}

public static class CampaignStatuses
{
    public const string Draft = "draft";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Stopped = "stopped";
    public const string Completed = "completed";
}

/// <summary>Who did what to a campaign, and when: the evidence of a person's participation.</summary>
public sealed class CampaignAuditEntry
{
    public long Id { get; set; }

    public Guid CampaignId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    /// <summary><see cref="CampaignActions"/>.</summary>
    public required string Action { get; set; }

    public string? Detail { get; set; }
}

public static class CampaignActions
{
    public const string Created = "created";
    public const string Edited = "edited";
    public const string Approved = "approved";
    public const string Launched = "launched";
    public const string Paused = "paused";
    public const string Resumed = "resumed";
    public const string Stopped = "stopped";
    public const string Completed = "completed";

    /// <summary>A journey's day: Comms made its batch under the journey's approval.</summary>
    public const string BatchMade = "batch_made";
}

/// <summary>
/// One patient of a launched campaign, frozen at launch: the group they fell in, the channel and the ledger record
/// of the marketing consent they are written to under (its sequence, method and time, as the Consent service keeps
/// them), when their message is due, and what became of it. Excluded patients are kept too, with the reason.
/// </summary>
public sealed class CampaignRecipient
{
    public Guid CampaignId { get; set; }

    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    /// <summary><see cref="CampaignGroups"/>.</summary>
    public required string Group { get; set; }

    /// <summary><see cref="RecipientStates"/>.</summary>
    public required string State { get; set; }

    /// <summary>Why the patient gets nothing (<see cref="ExclusionReasons"/>), or what stopped their message.</summary>
    public string? Reason { get; set; }

    public string? Channel { get; set; }

    public long? ConsentSequence { get; set; }

    public DateTimeOffset? ConsentChangedAt { get; set; }

    /// <summary>The message's id at Templating and the gateway (its facts: <c>messages</c>).</summary>
    public Guid MessageId { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class CampaignGroups
{
    public const string A = "a";
    public const string B = "b";

    /// <summary>Gets nothing, on purpose: the baseline the lift is measured against.</summary>
    public const string Holdout = "holdout";

    /// <summary>Gets nothing: no consent, opted out, capped (the reason says).</summary>
    public const string Excluded = "excluded";
}

public static class RecipientStates
{
    /// <summary>Due at <see cref="CampaignRecipient.DueAt"/>.</summary>
    public const string Planned = "planned";

    /// <summary>Handed to Templating; its delivery is in the message's facts.</summary>
    public const string Sent = "sent";

    /// <summary>Not sent at its time: consent withdrawn, cap reached, the campaign stopped or ended (the reason says).</summary>
    public const string Cancelled = "cancelled";

    public const string HeldOut = "held_out";

    public const string Excluded = "excluded";

    /// <summary>The state in Russian, for pages and the audit log.</summary>
    public static string Title(string state) => state switch
    {
        Planned => "запланировано",
        Sent => "отправлено",
        Cancelled => "отменено",
        HeldOut => "контрольная группа",
        Excluded => "исключены",
        _ => state,
    };
}

/// <summary>Why a patient of a campaign's audience gets nothing, as codes; the pages say them in Russian.</summary>
public static class ExclusionReasons
{
    public const string NoConsent = "no_consent";
    public const string OptedOut = "opted_out";
    public const string FrequencyCap = "frequency_cap";
    public const string RecentCampaign = "recent_campaign";
    public const string CampaignStopped = "campaign_stopped";
    public const string CampaignEnded = "campaign_ended";

    public static readonly IReadOnlyList<string> All = [NoConsent, OptedOut, FrequencyCap, RecentCampaign, CampaignStopped, CampaignEnded];

    public static string Title(string reason) => reason switch
    {
        NoConsent => "нет согласия на рекламу ни в одном из каналов",
        OptedOut => "отказался от рассылок",
        FrequencyCap => "предел частоты рекламных сообщений",
        RecentCampaign => "недавно получал другую рассылку",
        CampaignStopped => "рассылка остановлена",
        CampaignEnded => "рассылка закончилась раньше, чем подошла очередь",
        _ => reason,
    };
}

/// <summary>How to address a patient in a marketing text, as the MIS last named them (Audience's figures keep no names).</summary>
public sealed class Addressee
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public string? FirstName { get; set; }

    public string? MiddleName { get; set; }

    public string? LastName { get; set; }

    public string? TimeZone { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A clinic as its MIS events describe it: the name and address a text names, the zone its send window is in.</summary>
public sealed class ClinicCard
{
    public required string ClinicId { get; set; }

    public string? Name { get; set; }

    public string? Address { get; set; }

    public string? TimeZone { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
