using System.Reflection;
using Comms.Contracts;

namespace Comms.Templating.Persistence;

/// <summary>
/// The Russian texts every installation starts with, published chain-wide by "system": one file per text under
/// <c>ShippedTemplates/&lt;key&gt;/</c> (<c>&lt;channel&gt;.txt</c> the body, an email's <c>email.subject.txt</c> and
/// <c>email.html</c> beside it; one final line break is not part of the text), built into the service and put in the
/// database at start by <see cref="ShippedTemplatesSeeder"/>, so that a text change is a text change, not a migration.
/// The texts name no diagnosis, doctor or specialty (323-ФЗ ст. 13: even the visit is a medical secret) and promote
/// nothing (38-ФЗ: a reminder with an offer becomes an ad). Each SMS text fits two UCS-2 segments (134 characters) with
/// a usual clinic name, and reads naturally without a first name.
/// </summary>
public static class TemplateSeed
{
    public const string ConfirmationKey = TemplateKeys.AppointmentConfirmation;
    public const string ReminderKey = TemplateKeys.AppointmentReminder;
    public const string MissedKey = TemplateKeys.AppointmentMissed;
    public const string RecallKey = TemplateKeys.AppointmentRecall;
    public const string FeedbackRequestKey = TemplateKeys.FeedbackRequest;
    public const string FeedbackFollowUpKey = TemplateKeys.FeedbackFollowUp;
    public const string WaitlistOfferKey = TemplateKeys.WaitlistOffer;
    public const string WaitlistClaimedKey = TemplateKeys.WaitlistClaimed;
    public const string WaitlistTakenKey = TemplateKeys.WaitlistTaken;
    public const string InboxReplyKey = TemplateKeys.InboxReply;
    public const string QuickAddressKey = TemplateKeys.QuickAddress;
    public const string QuickPhoneKey = TemplateKeys.QuickPhone;
    public const string SystemAuthor = "system";
    public const string DefaultLocale = "ru";

    /// <summary>The resources' names: <c>ShippedTemplates/&lt;key&gt;/&lt;file&gt;</c> (the project file names them so).</summary>
    private const string Prefix = "ShippedTemplates/";

    /// <summary>Every shipped text, as version 1 of its identity (chain-wide, <see cref="DefaultLocale"/>), ordered by key and channel.</summary>
    public static IReadOnlyList<MessageTemplate> All { get; } = Load();

    /// <summary>The shipped body of <paramref name="key"/> on <paramref name="channel"/>.</summary>
    public static string Body(string key, string channel = Channels.Sms) =>
        All.Single(t => t.Key == key && t.Channel == channel).Body;

    private static List<MessageTemplate> Load()
    {
        var assembly = typeof(TemplateSeed).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[Prefix.Length..], n => Read(assembly, n), StringComparer.Ordinal);
        var templates = new List<MessageTemplate>();
        foreach (var (path, body) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var (key, file) = (path[..path.LastIndexOf('/')], path[(path.LastIndexOf('/') + 1)..]);
            if (!file.EndsWith(".txt", StringComparison.Ordinal) || file.EndsWith(".subject.txt", StringComparison.Ordinal))
            {
                continue;
            }

            var channel = file[..^".txt".Length];
            if (!Channels.All.Contains(channel))
            {
                throw new InvalidOperationException($"Shipped template '{path}': '{channel}' is not a channel.");
            }

            templates.Add(new MessageTemplate
            {
                Key = key,
                Channel = channel,
                Locale = DefaultLocale,
                Version = 1,
                Body = body,
                Subject = files.GetValueOrDefault($"{key}/{channel}.subject.txt"),
                Html = files.GetValueOrDefault($"{key}/{channel}.html"),
                Status = TemplateStatuses.Published,
                Author = SystemAuthor,
            });
        }

        return templates;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        var text = reader.ReadToEnd().ReplaceLineEndings("\n");
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
