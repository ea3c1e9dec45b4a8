using System.ComponentModel.DataAnnotations;

namespace Comms.Inbox.Features.Conversations;

/// <summary>The front desk's inbox (<c>Inbox</c>, docs/inbox.md).</summary>
public sealed class InboxOptions : IValidatableObject
{
    public const string Section = "Inbox";

    /// <summary>
    /// Where a reply goes when the channel the patient last wrote on cannot take it (no consent there, WhatsApp's 24
    /// hours passed): the first of these the patient has a service consent on.
    /// </summary>
    public string[]? Channels { get; set; }

    public int MaxReplyLength { get; set; } = 1000;

    /// <summary>Texts (the patients' and the replies) are removed this many days after they were written (323-ФЗ ст. 13).</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>How often texts past their retention are looked for.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>WhatsApp takes free text only within this long after the patient's last message there.</summary>
    public TimeSpan WhatsAppWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Who of the staff is told by email that a patient waits for an answer.</summary>
    public InboxNotifyOptions Notify { get; set; } = new();

    /// <summary>Templating, for the saved answers (<c>inbox.quick.*</c>): its address and an operator key it knows.</summary>
    public InboxTemplatingOptions Templating { get; set; } = new();

    public IReadOnlyList<string> ChannelOrder => Channels is { Length: > 0 } given ? given : [Contracts.Channels.Max, Contracts.Channels.Sms, Contracts.Channels.Email];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxReplyLength is < 1 or > 4000)
        {
            yield return new ValidationResult("must be 1–4000", [$"{Section}:MaxReplyLength"]);
        }

        if (RetentionDays is < 1 or > 3650)
        {
            yield return new ValidationResult("must be 1–3650", [$"{Section}:RetentionDays"]);
        }

        if (RetentionInterval < TimeSpan.FromSeconds(1) || RetentionInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be 00:00:01–1.00:00:00", [$"{Section}:RetentionInterval"]);
        }

        if (Templating.BaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"'{url}' is not an http(s) address (http://templating:8080)", [$"{Section}:Templating:BaseUrl"]);
        }

        if (Templating.BaseUrl is { Length: > 0 } && string.IsNullOrWhiteSpace(Templating.ApiKey))
        {
            yield return new ValidationResult("is required with Templating:BaseUrl: an operator key of Templating (Operators:ApiKeys)", [$"{Section}:Templating:ApiKey"]);
        }

        foreach (var (where, email) in (Notify.Emails ?? []).Select(e => ("Notify:Emails", e))
                     .Concat(Notify.Clinics.SelectMany(c => c.Value.Select(e => ($"Notify:Clinics:{c.Key}", e)))))
        {
            if (!System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                yield return new ValidationResult($"'{email}' is not an email address", [$"{Section}:{where}"]);
            }
        }

        foreach (var channel in Channels ?? [])
        {
            if (!Contracts.Channels.All.Contains(channel))
            {
                yield return new ValidationResult($"'{channel}' is not a channel (sms, whatsapp, email, max)", [$"{Section}:Channels"]);
            }
        }
    }
}

/// <summary><c>Inbox:Notify</c>: the staff told of a conversation that starts to wait (its first unanswered message).</summary>
public sealed class InboxNotifyOptions
{
    /// <summary>Addresses told for every clinic (each needs its service consent on email, as any address Comms writes to).</summary>
    public List<string>? Emails { get; set; }

    /// <summary>A clinic's own addresses, instead of <see cref="Emails"/>: <c>Inbox:Notify:Clinics:msk-1:0</c>.</summary>
    public Dictionary<string, List<string>> Clinics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where the staff open the inbox (<c>https://inbox.clinic.example</c>): the email links the conversation.</summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlyList<string> For(string clinicId) => Clinics.TryGetValue(clinicId, out var own) && own.Count > 0 ? own : Emails ?? [];
}
