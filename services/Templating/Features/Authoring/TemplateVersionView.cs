using Comms.Templating.Features.Models;
using Comms.Templating.Persistence;

namespace Comms.Templating.Features.Authoring;

/// <summary>A version as the authoring API shows it.</summary>
public sealed record TemplateVersionView(
    int Version,
    string Status,
    string Body,
    string? Subject,
    string? Html,
    string? WhatsAppTemplateName,
    IReadOnlyList<string>? WhatsAppParameters,
    string Author,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt,
    int? BasedOnVersion)
{
    public static TemplateVersionView From(MessageTemplate t) => new(
        t.Version, t.Status, t.Body, t.Subject, t.Html, t.WhatsAppTemplateName, t.WhatsAppParameters,
        t.Author, t.CreatedAt, t.PublishedAt, t.BasedOnVersion);
}

/// <param name="Name">What the key's messages are, in Russian (<see cref="TemplateModel.Name"/>); null for a key the catalog does not know.</param>
public sealed record TemplateListItem(
    string Key, string? Name, string Channel, string Locale, string? ClinicId, int? PublishedVersion, int? DraftVersion, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record TemplateDetails(
    string Key, string? Name, string Channel, string Locale, string? ClinicId, TemplateVersionView? Published, TemplateVersionView? Draft,
    IReadOnlyList<ModelVariable> Model);

/// <summary>A template key: its Russian name and the variables its texts may use, whether or not any text exists yet.</summary>
public sealed record TemplateKeyView(string Key, string? Name, IReadOnlyList<ModelVariable> Model)
{
    public static TemplateKeyView Of(TemplateModel model) => new(model.Key, model.Name, model.Variables);
}

/// <param name="Body">SMS / WhatsApp / MAX text, or an email's plain-text part.</param>
public sealed record DraftRequest(string? Body, string? Subject, string? Html, string? WhatsAppTemplateName, List<string>? WhatsAppParameters);

public sealed record VersionRequest(int? Version);

public sealed record TemplateDiff(
    int From, int To, IReadOnlyList<DiffLine> Lines, IReadOnlyList<DiffLine>? SubjectLines, IReadOnlyList<DiffLine>? HtmlLines);
