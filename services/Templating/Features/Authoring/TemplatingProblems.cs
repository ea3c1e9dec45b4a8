using System.Collections;
using Comms.Contracts;
using Comms.Templating.Features.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Templating.Features.Authoring;

/// <summary>
/// The machine-readable codes of the Templating API's errors. Every problem carries one (<c>code</c>; per field,
/// <c>codes</c> beside <c>errors</c>); the texts beside them are Russian sentences for the marketer, whatever client shows them.
/// </summary>
public static class ErrorCodes
{
    public const string Required = "required";
    public const string TooLong = "too-long";
    public const string TooMany = "too-many";
    public const string Invalid = "invalid";

    /// <summary>A part another channel's templates have (a subject on an SMS).</summary>
    public const string NotForChannel = "not-for-channel";

    public const string TemplateNotFound = "template-not-found";
    public const string VersionNotFound = "version-not-found";
    public const string DraftNotFound = "draft-not-found";

    /// <summary>The version asked for is not the current draft (publish), or is the draft (rollback).</summary>
    public const string NotTheDraft = "not-the-draft";

    /// <summary>Another write to the same template won the race.</summary>
    public const string Conflict = "conflict";
}

/// <param name="Code">An <see cref="ErrorCodes"/> or <see cref="TemplateErrorCodes"/> value.</param>
/// <param name="Message">A Russian sentence that names the field.</param>
public sealed record FieldError(string Code, string Message);

/// <summary>
/// The field errors of one request: a Russian message each, with its code. As a problem: <c>errors</c> holds the
/// messages per field (RFC 9457 validation problem), the extension <c>codes</c> the codes in the same order.
/// </summary>
public sealed class FieldErrors : IEnumerable<KeyValuePair<string, List<FieldError>>>
{
    private readonly Dictionary<string, List<FieldError>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public bool Has(string field) => _errors.ContainsKey(field);

    public FieldErrors Add(string field, string code, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(new FieldError(code, message));
        return this;
    }

    public FieldErrors AddRange(FieldErrors other)
    {
        foreach (var (field, errors) in other)
        {
            foreach (var error in errors)
            {
                Add(field, error.Code, error.Message);
            }
        }

        return this;
    }

    /// <param name="title">The problem type's summary (English, as every problem of the API).</param>
    public ValidationProblem ToProblem(string title, string? detail = null) => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.Select(x => x.Message).ToArray(), StringComparer.Ordinal),
        detail: detail,
        title: title,
        extensions: new Dictionary<string, object?>
        {
            ["codes"] = _errors.ToDictionary(e => e.Key, e => e.Value.Select(x => x.Code).ToArray(), StringComparer.Ordinal),
        });

    public IEnumerator<KeyValuePair<string, List<FieldError>>> GetEnumerator() => _errors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Problems that are not about one field (404, 409): an English title, a Russian <c>detail</c>, a <c>code</c>.</summary>
public static class TemplatingProblems
{
    public static ProblemHttpResult Of(int status, string code, string title, string detail) => TypedResults.Problem(
        statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ValidationProblem One(string field, string code, string message, string title = "The request is not valid") =>
        new FieldErrors().Add(field, code, message).ToProblem(title);

    /// <summary>"«appointment.reminder» (SMS, ru, вся сеть)": a template as the marketer UI names it.</summary>
    public static string Describe(TemplateIdentity identity) =>
        $"«{identity.Key}» ({RussianWording.Channel(identity.Channel) ?? identity.Channel}, {identity.Locale}, {(identity.ClinicId is null ? "вся сеть" : $"клиника {identity.ClinicId}")})";
}
