using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Replies;

/// <summary>
/// Section <c>Email:Imap</c>: the one mailbox patients' replies to our questions reach (<see cref="Address"/> is the
/// Reply-To of every mail that asks for an answer), read over IMAP. The password is a secret: give it by environment
/// (Email__Imap__Password), never log it.
/// </summary>
public sealed class ImapOptions
{
    public const string Section = "Email:Imap";

    /// <summary>false: no mailbox is read (and mail keeps the clinic's own Reply-To); replies reach only people.</summary>
    public bool Enabled { get; set; } = true;

    public string Host { get; set; } = "";

    public int Port { get; set; } = 993;

    /// <summary>true: TLS (implicit on port 993, STARTTLS required elsewhere); false: plain text (local servers only).</summary>
    public bool UseTls { get; set; } = true;

    public string Username { get; set; } = "";

    public string? Password { get; set; }

    public string Folder { get; set; } = "INBOX";

    /// <summary>The mailbox's own address, e.g. replies@clinic.ru: Reply-To of every mail that expects an answer.</summary>
    public string Address { get; set; } = "";

    /// <summary>How often the mailbox is looked at for new mail.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>For each IMAP command and read (MailKit's timeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How the mailbox is named in <c>inbound_mails</c>: another server, account or folder starts afresh.</summary>
    public string MailboxName => $"{Host.Trim().ToLowerInvariant()}/{Username.Trim()}/{Folder.Trim()}";
}

/// <summary>A misconfigured reader refuses to start, naming the setting.</summary>
public sealed class ImapOptionsValidator : IValidateOptions<ImapOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string Off = "; or set Email:Imap:Enabled=false to read no replies";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Email:Imap:Host is required: the IMAP server of the reply mailbox (env Email__Imap__Host)" + Off);
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Email:Imap:Port must be between 1 and 65535 (is {options.Port.ToString(CultureInfo.InvariantCulture)})");
        }

        if (string.IsNullOrWhiteSpace(options.Username))
        {
            errors.Add("Email:Imap:Username is required (env Email__Imap__Username)" + Off);
        }

        if (string.IsNullOrEmpty(options.Password))
        {
            errors.Add("Email:Imap:Password is required (env Email__Imap__Password)" + Off);
        }

        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            errors.Add("Email:Imap:Folder must name a folder (INBOX by default)");
        }

        if (!MailboxAddress.TryParse(options.Address, out var address) || address.Name is { Length: > 0 } ||
            !address.Address.Contains('@', StringComparison.Ordinal) || address.Domain.Length == 0)
        {
            errors.Add($"Email:Imap:Address must be the reply mailbox's bare address, such as replies@clinic.ru (is '{options.Address}')" + Off);
        }

        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Email:Imap:PollInterval must be positive and at most 01:00:00");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Email:Imap:Timeout must be positive and at most 00:10:00");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
