using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.Contracts.Templating;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Features.Compose;

/// <summary>
/// Renders the message Scheduling asks for on the first preferred channel that has a published template, a contact
/// and a gateway, and hands it to that channel's gateway. When no channel fits, it says so with a failed status naming
/// what was missing on each channel (to Scheduling and to the MIS): a message is never dropped silently. Duplicates are dropped by the inbox filter;
/// the outbox row and the inbox row commit in the same SaveChanges.
/// </summary>
public sealed partial class ComposeMessageConsumer(
    TemplatingDbContext db,
    TemplateRenderer renderer,
    MessageStatusPublisher statuses,
    TimeProvider time,
    ILogger<ComposeMessageConsumer> logger) : IConsumer<ComposeMessage>
{
    public const string DefaultLocale = "ru";

    /// <summary>Channels with a gateway to hand a rendered message to. WhatsApp, email and MAX come with their gateways.</summary>
    private static readonly HashSet<string> DeliverableChannels = [Channels.Sms];

    public async Task Consume(ConsumeContext<ComposeMessage> context)
    {
        var message = context.Message;
        var problems = new List<string>();
        if (message.Channels.Count == 0)
        {
            problems.Add("no channel was requested");
        }

        foreach (var channel in message.Channels.Distinct(StringComparer.Ordinal))
        {
            var composed = await ComposeAsync(message, channel, problems, context.CancellationToken);
            if (composed is not null)
            {
                db.Publish(composed, time);
                await db.SaveChangesAsync(context.CancellationToken);
                LogComposed(logger, message.MessageId, message.TemplateKey, composed.TemplateVersion, channel, ContactNormalizer.Mask(composed.Phone));
                return;
            }
        }

        var reason = string.Join("; ", problems);
        statuses.Publish(
            db,
            new MessageStatusChanged(
                message.MessageId,
                message.Recipient.ClinicId,
                message.Recipient.PatientId,
                message.AppointmentId,
                message.Channels.Count > 0 ? message.Channels[0] : "none",
                MessageStatuses.FailedPermanent,
                reason,
                Provider: null,
                time.GetUtcNow(),
                ContactNormalizer.TryNormalize(message.Recipient.Phone ?? message.Recipient.Email, out var contact) ? contact : null));
        await db.SaveChangesAsync(context.CancellationToken);
        LogNotComposed(logger, message.MessageId, message.TemplateKey, reason);
    }

    private async Task<SendSms?> ComposeAsync(ComposeMessage message, string channel, List<string> problems, CancellationToken cancellationToken)
    {
        if (!Channels.All.Contains(channel))
        {
            problems.Add($"channel '{channel}' is not known");
            return null;
        }

        if (ContactProblem(message.Recipient, channel) is { } contactProblem)
        {
            problems.Add(contactProblem);
            return null;
        }

        var template = await FindPublishedAsync(message.TemplateKey, channel, message.Locale, message.Recipient.ClinicId, cancellationToken);
        if (template is null)
        {
            var locales = LocalesToTry(message.Locale);
            problems.Add($"no published template '{message.TemplateKey}' for {string.Join(" or ", locales.Select(l => $"{channel}/{l}"))}");
            return null;
        }

        if (!DeliverableChannels.Contains(channel))
        {
            problems.Add($"channel '{channel}' has no gateway yet");
            return null;
        }

        var rendered = renderer.Render(template, message.Model);
        if (!rendered.Succeeded)
        {
            problems.Add($"template '{template.Key}' v{template.Version} for {channel}/{template.Locale} cannot be rendered: {rendered.Error}");
            return null;
        }

        if (string.IsNullOrWhiteSpace(rendered.Text))
        {
            problems.Add($"template '{template.Key}' v{template.Version} for {channel}/{template.Locale} rendered an empty text");
            return null;
        }

        ContactNormalizer.TryNormalizePhone(message.Recipient.Phone, out var phone);
        var recipient = message.Recipient;
        return new SendSms(
            message.MessageId,
            recipient.ClinicId,
            recipient.PatientId,
            message.AppointmentId,
            phone,
            rendered.Text,
            message.Purpose,
            template.Key,
            template.Version,
            message.ExpectedReply,
            message.RequestedAt);
    }

    private static string? ContactProblem(MessageRecipient recipient, string channel) => channel switch
    {
        Channels.Sms when string.IsNullOrWhiteSpace(recipient.Phone) => "patient has no phone for sms",
        Channels.Sms when !ContactNormalizer.TryNormalizePhone(recipient.Phone, out _) =>
            $"patient's phone {ContactNormalizer.Mask(recipient.Phone)} is not a valid number for sms",
        Channels.Email when string.IsNullOrWhiteSpace(recipient.Email) => "patient has no email for email",
        Channels.WhatsApp or Channels.Max when string.IsNullOrWhiteSpace(recipient.Phone) && string.IsNullOrWhiteSpace(recipient.MessengerId) =>
            $"patient has no phone or messenger id for {channel}",
        _ => null,
    };

    /// <summary>The requested locale, its language ("en-GB" → "en"), then Russian; written as templates store them.</summary>
    private static List<string> LocalesToTry(string? locale)
    {
        var requested = TemplateLocales.Normalize(string.IsNullOrWhiteSpace(locale) ? DefaultLocale : locale);
        var dash = requested.IndexOf('-', StringComparison.Ordinal);
        return new[] { requested, dash > 0 ? requested[..dash] : requested, DefaultLocale }.Distinct().ToList();
    }

    /// <summary>
    /// The version published now for the key and channel: for each locale in turn (requested, its language, Russian),
    /// the clinic's own text first, then the chain-wide one. Drafts and archived versions are never used.
    /// </summary>
    private async Task<MessageTemplate?> FindPublishedAsync(string key, string channel, string? locale, string? clinicId, CancellationToken cancellationToken)
    {
        var locales = LocalesToTry(locale);
        var clinic = string.IsNullOrWhiteSpace(clinicId) ? null : clinicId;
        var candidates = await db.Templates.AsNoTracking()
            .Where(t => t.Key == key && t.Channel == channel && t.Status == TemplateStatuses.Published && locales.Contains(t.Locale))
            .Where(t => t.ClinicId == null || t.ClinicId == clinic)
            .ToListAsync(cancellationToken);
        return candidates
            .OrderBy(t => locales.IndexOf(t.Locale))
            .ThenBy(t => t.ClinicId is null ? 1 : 0)
            .ThenByDescending(t => t.Version)
            .FirstOrDefault();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} composed from {TemplateKey} v{TemplateVersion} for {Channel} to {Contact}")]
    private static partial void LogComposed(ILogger logger, Guid messageId, string templateKey, int templateVersion, string channel, string contact);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} from {TemplateKey} cannot be composed: {Reason}")]
    private static partial void LogNotComposed(ILogger logger, Guid messageId, string templateKey, string reason);
}
