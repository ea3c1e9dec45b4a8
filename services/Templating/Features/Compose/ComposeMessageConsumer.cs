using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.Contracts.Templating;
using Comms.Mis;
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
/// what was missing on each channel (to Scheduling and to the MIS): a message is never dropped silently.
/// Messages come in batches (<see cref="ComposeMessageConsumerDefinition"/>): one query for the batch's repeats
/// (<see cref="BatchInbox"/>), each published template looked up once per batch, and one commit for every outbox row
/// and inbox record of the batch. One message that fails does not fail the others (<see cref="BatchIsolation"/>).
/// </summary>
public sealed partial class ComposeMessageConsumer(
    TemplatingDbContext db,
    TemplateRenderer renderer,
    MessageStatusPublisher statuses,
    BatchIsolation isolation,
    TimeProvider time,
    ILogger<ComposeMessageConsumer> logger) : IConsumer<Batch<ComposeMessage>>
{
    public const string DefaultLocale = "ru";

    /// <summary>
    /// Added to a marketing SMS or MAX text that does not already say how to refuse: every advertising message carries
    /// its opt-out (38-ФЗ ст. 18: the sending stops at once on the patient's request), and on these channels that is a
    /// «СТОП» reply, which the gateway handles first. E-mail carries its one-click unsubscribe instead (RFC 8058).
    /// </summary>
    public const string MarketingOptOutLine = "Отказ от рассылки: ответьте СТОП";

    /// <summary>The text as it goes: a marketing SMS or MAX text that does not say «СТОП» gets <see cref="MarketingOptOutLine"/>.</summary>
    public static string WithOptOut(string text, string purpose, string channel) =>
        purpose == Purposes.Marketing && channel is Channels.Sms or Channels.Max && !text.Contains("СТОП", StringComparison.OrdinalIgnoreCase)
            ? $"{text.TrimEnd()}\n{MarketingOptOutLine}"
            : text;

    /// <summary>Channels with a gateway to hand a rendered message to.</summary>
    public static readonly IReadOnlySet<string> DeliverableChannels = new HashSet<string> { Channels.Sms, Channels.Email, Channels.WhatsApp, Channels.Max };

    public Task Consume(ConsumeContext<Batch<ComposeMessage>> context) =>
        isolation.RunAsync(context, db, messages => ComposeAllAsync(messages, context.CancellationToken));

    private async Task ComposeAllAsync(IReadOnlyList<ConsumeContext<ComposeMessage>> messages, CancellationToken cancellationToken)
    {
        var templates = new Dictionary<(string Key, string Channel, string? Locale, string? ClinicId), MessageTemplate?>();
        foreach (var message in await db.TryBeginBatchAsync(messages, time, cancellationToken))
        {
            await ComposeAsync(message.Message, templates, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task ComposeAsync(
        ComposeMessage message, Dictionary<(string, string, string?, string?), MessageTemplate?> templates, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var contactMissing = 0;
        if (message.Channels.Count == 0)
        {
            problems.Add("no channel was requested");
        }

        foreach (var channel in message.Channels.Distinct(StringComparer.Ordinal))
        {
            if (Channels.All.Contains(channel) && ContactProblem(message.Recipient, channel) is { } contactProblem)
            {
                problems.Add(contactProblem);
                contactMissing++;
                continue;
            }

            var composed = await ComposeForAsync(message, channel, templates, problems, cancellationToken);
            if (composed is not null)
            {
                composed.Publish(db, time);
                LogComposed(logger, message.MessageId, message.TemplateKey, composed.TemplateVersion, channel, ContactNormalizer.Mask(composed.Contact));
                return;
            }
        }

        var reason = string.Join("; ", problems);

        // No contact on every channel asked for is its own cause: a clinic may fall back on it but not on a missing text.
        var cause = message.Channels.Count > 0 && contactMissing == message.Channels.Distinct(StringComparer.Ordinal).Count()
            ? StatusCauses.NoContact
            : StatusCauses.NoTemplate;
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
                ContactNormalizer.TryNormalize(message.Recipient.Phone ?? message.Recipient.Email, out var contact) ? contact : null,
                cause));
        LogNotComposed(logger, message.MessageId, message.TemplateKey, reason);
    }

    /// <summary>A rendered message for one channel's gateway, ready to go into the outbox.</summary>
    private sealed record Composed(string Contact, int TemplateVersion, Action<TemplatingDbContext, TimeProvider> Publish);

    private async Task<Composed?> ComposeForAsync(
        ComposeMessage message, string channel, Dictionary<(string, string, string?, string?), MessageTemplate?> templates, List<string> problems,
        CancellationToken cancellationToken)
    {
        if (!Channels.All.Contains(channel))
        {
            problems.Add($"channel '{channel}' is not known");
            return null;
        }

        var lookup = (message.TemplateKey, channel, message.Locale, message.Recipient.ClinicId);
        if (!templates.TryGetValue(lookup, out var template))
        {
            template = await PublishedTemplates.FindAsync(db, message.TemplateKey, channel, message.Locale, message.Recipient.ClinicId, cancellationToken);
            templates[lookup] = template;
        }

        if (template is null)
        {
            var locales = PublishedTemplates.LocalesToTry(message.Locale);
            problems.Add($"no published template '{message.TemplateKey}' for {string.Join(" or ", locales.Select(l => $"{channel}/{l}"))}");
            return null;
        }

        if (!DeliverableChannels.Contains(channel))
        {
            problems.Add($"channel '{channel}' has no gateway yet");
            return null;
        }

        var where = $"template '{template.Key}' v{template.Version} for {channel}/{template.Locale}";
        var text = RenderPart(template.Body, message.Model, template.Key, where, "text", problems);
        if (text is null)
        {
            return null;
        }

        text = WithOptOut(text, message.Purpose, channel);

        var recipient = message.Recipient;
        switch (channel)
        {
            case Channels.Email:
            {
                var subject = RenderPart(template.Subject, message.Model, template.Key, where, "subject", problems);
                // The HTML part escapes values itself ({{ patient.firstName | html.escape }}, as the shipped texts do).
                var html = string.IsNullOrWhiteSpace(template.Html)
                    ? null
                    : RenderPart(template.Html, message.Model, template.Key, where, "html", problems);
                if (subject is null || (html is null && !string.IsNullOrWhiteSpace(template.Html)))
                {
                    return null;
                }

                ContactNormalizer.TryNormalize(recipient.Email, out var email);
                var command = new SendEmail(message.MessageId, recipient.ClinicId, recipient.PatientId, message.AppointmentId, email,
                    subject.ReplaceLineEndings(" ").Trim(), html, text, message.Purpose, template.Key, template.Version, message.ExpectedReply,
                    message.RequestedAt, message.NotAfter);
                return new Composed(email, template.Version, (db, clock) => db.Publish(command, clock));
            }

            case Channels.WhatsApp:
            {
                var parameters = new List<string>();
                for (var i = 0; i < (template.WhatsAppParameters?.Count ?? 0); i++)
                {
                    var value = RenderPart(template.WhatsAppParameters![i], message.Model, template.Key, where, $"parameter {i + 1}", problems);
                    if (value is null)
                    {
                        return null;
                    }

                    parameters.Add(value);
                }

                ContactNormalizer.TryNormalizePhone(recipient.Phone, out var phone);
                var command = new SendWhatsApp(message.MessageId, recipient.ClinicId, recipient.PatientId, message.AppointmentId, phone, text,
                    string.IsNullOrWhiteSpace(template.WhatsAppTemplateName) ? null : template.WhatsAppTemplateName, parameters, template.Locale,
                    message.Purpose, template.Key, template.Version, message.ExpectedReply, message.RequestedAt, message.NotAfter);
                return new Composed(phone, template.Version, (db, clock) => db.Publish(command, clock));
            }

            case Channels.Max:
            {
                // Gateway.Max finds the patient's MAX account by the id the MIS gave, else by the account they linked.
                var messengerId = ContactNormalizer.TryNormalizeMessengerId(recipient.MessengerId, out var id) ? id : null;
                var command = new SendMax(message.MessageId, recipient.ClinicId, recipient.PatientId, message.AppointmentId, messengerId, text,
                    message.Purpose, template.Key, template.Version, message.ExpectedReply, message.RequestedAt, message.NotAfter);
                return new Composed(messengerId ?? "", template.Version, (db, clock) => db.Publish(command, clock));
            }

            default:
            {
                ContactNormalizer.TryNormalizePhone(recipient.Phone, out var phone);
                var command = new SendSms(message.MessageId, recipient.ClinicId, recipient.PatientId, message.AppointmentId, phone, text,
                    message.Purpose, template.Key, template.Version, message.ExpectedReply, message.RequestedAt, message.NotAfter);
                return new Composed(phone, template.Version, (db, clock) => db.Publish(command, clock));
            }
        }
    }

    /// <summary>One part rendered strictly; null (with the reason in <paramref name="problems"/>) when it fails or is empty.</summary>
    private string? RenderPart(
        string? body, IReadOnlyDictionary<string, string?> model, string key, string where, string part, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            problems.Add($"{where} has no {part}");
            return null;
        }

        var rendered = renderer.RenderStored(body, model, key);
        if (!rendered.Succeeded)
        {
            problems.Add($"{where} cannot be rendered{(part == "text" ? "" : $" ({part})")}: {rendered.Error}");
            return null;
        }

        if (string.IsNullOrWhiteSpace(rendered.Text))
        {
            problems.Add($"{where} rendered an empty {part}");
            return null;
        }

        return rendered.Text;
    }

    private static string? ContactProblem(MessageRecipient recipient, string channel) => channel switch
    {
        Channels.Sms when string.IsNullOrWhiteSpace(recipient.Phone) => "patient has no phone for sms",
        Channels.Sms when !ContactNormalizer.TryNormalizePhone(recipient.Phone, out _) =>
            $"patient's phone {ContactNormalizer.Mask(recipient.Phone)} is not a valid number for sms",
        Channels.Email when string.IsNullOrWhiteSpace(recipient.Email) => "patient has no email for email",
        Channels.Email when !ContactNormalizer.TryNormalize(recipient.Email, out var email) || !email.Contains('@', StringComparison.Ordinal) =>
            "patient's email is not a valid address",
        Channels.WhatsApp when !ContactNormalizer.TryNormalizePhone(recipient.Phone, out _) =>
            "patient has no valid phone for whatsapp (WhatsApp addresses patients by their number)",
        Channels.Max when string.IsNullOrWhiteSpace(recipient.PatientId) && string.IsNullOrWhiteSpace(recipient.MessengerId) =>
            "patient has no patient id or MAX user id for max (MAX reaches patients through the account they linked)",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} composed from {TemplateKey} v{TemplateVersion} for {Channel} to {Contact}")]
    private static partial void LogComposed(ILogger logger, Guid messageId, string templateKey, int templateVersion, string channel, string contact);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} from {TemplateKey} cannot be composed: {Reason}")]
    private static partial void LogNotComposed(ILogger logger, Guid messageId, string templateKey, string reason);
}

/// <summary>Up to 100 messages a batch, gathered for at most 20 ms.</summary>
public sealed class ComposeMessageConsumerDefinition() : BatchConsumerDefinition<ComposeMessageConsumer>(100, TimeSpan.FromMilliseconds(20));
