using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>Section <c>Email</c>: the SMTP relay, who each clinic's mail is from, and how sends are retried.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Back-off between tries when the relay surely did not take a mail (4xx, refused connection).</summary>
    public static readonly TimeSpan[] DefaultRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>What happens to a try left open by a gateway that stopped during the call.</summary>
    public EmailResolutionOptions Resolution { get; set; } = new();

    /// <summary>The sender of clinics that have no entry in <see cref="Clinics"/>.</summary>
    public SenderOptions Default { get; set; } = new();

    /// <summary>Per clinic id: its own From and Reply-To (either may be left out to use <see cref="Default"/>'s).</summary>
    public Dictionary<string, SenderOptions> Clinics { get; set; } = [];

    /// <summary>The right-hand side of our Message-IDs (<c>&lt;{messageId}@{domain}&gt;</c>); the domain of Default:From when empty.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>The sender a clinic's mail goes out with.</summary>
    public (MailboxAddress From, MailboxAddress? ReplyTo) SenderFor(string clinicId)
    {
        var clinic = Clinics.GetValueOrDefault(clinicId);
        var from = !string.IsNullOrWhiteSpace(clinic?.From) ? clinic.From : Default.From ?? "";
        var replyTo = !string.IsNullOrWhiteSpace(clinic?.ReplyTo) ? clinic.ReplyTo : Default.ReplyTo;
        return (MailboxAddress.Parse(from), string.IsNullOrWhiteSpace(replyTo) ? null : MailboxAddress.Parse(replyTo));
    }

    public string EffectiveMessageIdDomain =>
        !string.IsNullOrWhiteSpace(MessageIdDomain) ? MessageIdDomain.Trim() : MailboxAddress.Parse(Default.From ?? "").Domain;
}

/// <summary>Section <c>Email:Resolution</c>: a try still open after the grace belongs to a gateway that stopped mid-call.</summary>
public sealed class EmailResolutionOptions
{
    /// <summary>A try still open this long after it started belongs to a gateway that stopped during the call.</summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the resolver looks for such tries.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class SenderOptions
{
    /// <summary>"Клиника на Ленина &lt;noreply@clinic.ru&gt;" or a bare address.</summary>
    public string? From { get; set; }

    public string? ReplyTo { get; set; }
}

/// <summary>Section <c>Email:Smtp</c>. The password is a secret: give it by environment (Email__Smtp__Password), never log it.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>true: TLS (implicit on port 465, STARTTLS required elsewhere); false: plain text (local sinks only).</summary>
    public bool UseTls { get; set; } = true;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>For each SMTP command and read (MailKit's timeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pauses before the 2nd, 3rd… try; empty means <see cref="EmailOptions.DefaultRetryDelays"/>.</summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Length > 0 ? RetryDelays : EmailOptions.DefaultRetryDelays;
}

/// <summary>A misconfigured gateway refuses to start, naming the setting.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var errors = new List<string>();
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            errors.Add("Email:Smtp:Host is required: the SMTP relay's host name (env Email__Smtp__Host)");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            errors.Add($"Email:Smtp:Port must be between 1 and 65535 (is {smtp.Port.ToString(CultureInfo.InvariantCulture)})");
        }

        if (smtp.Timeout <= TimeSpan.Zero || smtp.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Email:Smtp:Timeout must be positive and at most 00:10:00");
        }

        if (!string.IsNullOrEmpty(smtp.Username) && string.IsNullOrEmpty(smtp.Password))
        {
            errors.Add("Email:Smtp:Password is required when Email:Smtp:Username is set (env Email__Smtp__Password)");
        }

        if (smtp.RetryDelays.Any(d => d < TimeSpan.Zero || d > TimeSpan.FromMinutes(5)))
        {
            errors.Add("Email:Smtp:RetryDelays must each be between 00:00:00 and 00:05:00");
        }

        // The grace must outlast a slow answer, or a relay still talking would be taken for a stopped gateway.
        if (options.Resolution.InFlightGrace <= smtp.Timeout || options.Resolution.InFlightGrace > TimeSpan.FromDays(1))
        {
            errors.Add("Email:Resolution:InFlightGrace must be longer than Email:Smtp:Timeout and at most 1.00:00:00");
        }

        if (options.Resolution.Interval <= TimeSpan.Zero || options.Resolution.Interval > TimeSpan.FromHours(1))
        {
            errors.Add("Email:Resolution:Interval must be positive and at most 01:00:00");
        }

        if (string.IsNullOrWhiteSpace(options.Default.From))
        {
            errors.Add("Email:Default:From is required: the sender of clinics without their own (env Email__Default__From)");
        }

        CheckAddress(errors, "Email:Default:From", options.Default.From);
        CheckAddress(errors, "Email:Default:ReplyTo", options.Default.ReplyTo);
        foreach (var (clinicId, sender) in options.Clinics)
        {
            CheckAddress(errors, $"Email:Clinics:{clinicId}:From", sender.From);
            CheckAddress(errors, $"Email:Clinics:{clinicId}:ReplyTo", sender.ReplyTo);
        }

        if (!string.IsNullOrWhiteSpace(options.MessageIdDomain) && Uri.CheckHostName(options.MessageIdDomain.Trim()) != UriHostNameType.Dns)
        {
            errors.Add($"Email:MessageIdDomain must be a domain name such as clinic.ru (is '{options.MessageIdDomain}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAddress(List<string> errors, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (!MailboxAddress.TryParse(value, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal) || mailbox.Domain.Length == 0)
        {
            errors.Add($"{setting} is not an email address ('{value}'); write it as \"Name <address@domain>\" or \"address@domain\"");
        }
    }
}
