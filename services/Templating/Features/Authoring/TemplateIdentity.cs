using Comms.Templating.Persistence;

namespace Comms.Templating.Features.Authoring;

/// <summary>Which template a request means: key, channel, locale as stored, and the clinic (null = chain-wide).</summary>
public sealed record TemplateIdentity(string Key, string Channel, string Locale, string? ClinicId)
{
    public static TemplateIdentity Of(string key, string channel, string locale, string? clinicId) =>
        new(key.Trim(), channel.Trim().ToLowerInvariant(), TemplateLocales.Normalize(locale), string.IsNullOrWhiteSpace(clinicId) ? null : clinicId.Trim());

    /// <summary>Every version of the template.</summary>
    public IQueryable<MessageTemplate> All(IQueryable<MessageTemplate> templates) =>
        templates.Where(t => t.Key == Key && t.Channel == Channel && t.Locale == Locale && t.ClinicId == ClinicId);

    /// <summary>The published version and the draft, the only versions that can change.</summary>
    public IQueryable<MessageTemplate> Current(IQueryable<MessageTemplate> templates) =>
        All(templates).Where(t => t.Status == TemplateStatuses.Published || t.Status == TemplateStatuses.Draft);

    public override string ToString() =>
        $"'{Key}' for {Channel}/{Locale}{(ClinicId is null ? " (chain-wide)" : $" of clinic '{ClinicId}'")}";
}
