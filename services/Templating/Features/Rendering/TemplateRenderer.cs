using System.Collections.Concurrent;
using Comms.Templating.Features.Models;
using Comms.Templating.Persistence;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Comms.Templating.Features.Rendering;

/// <summary>What kind of failure a render was: machine-readable, beside the Russian message for the marketer.</summary>
public static class TemplateErrorCodes
{
    /// <summary>The template does not parse.</summary>
    public const string Syntax = "syntax";

    /// <summary>It reads a name outside its key's model (a typo such as patient.fistName).</summary>
    public const string UnknownName = "unknown-name";

    /// <summary>It failed while rendering (a loop over the limit, a helper given a value it cannot read).</summary>
    public const string RenderFailed = "render-failed";

    /// <summary>It took longer than <see cref="TemplateRenderer.Timeout"/>.</summary>
    public const string Timeout = "render-timeout";
}

/// <summary>The text of a rendered template, or why it could not be rendered.</summary>
/// <param name="Error">Why not, for operators and the message's status (its frame is English).</param>
/// <param name="Code">Why not, as a <see cref="TemplateErrorCodes"/> value.</param>
/// <param name="Message">Why not, in Russian, for the marketer: with line and column where the renderer gives them.</param>
public sealed record RenderResult(string? Text, string? Error, string? Code = null, string? Message = null)
{
    public bool Succeeded => Error is null;

    public static RenderResult Ok(string text) => new(text, null);

    public static RenderResult Fail(string code, string error, string message) => new(null, error, code, message);
}

/// <summary>
/// Renders marketer-authored Scriban templates in a sandbox: the model is a tree of plain strings built from the
/// dotted keys of ComposeMessage.Model, no .NET object is imported, <c>include</c> has no loader, and loops,
/// recursion, output size and time are capped, so a bad template fails one message instead of the service.
/// Strict about names: a variable outside the key's model (<see cref="TemplateModels"/>) fails the render with its
/// line and column; a variable of the model that a patient has no value for renders empty and is false in <c>if</c>.
/// </summary>
public sealed class TemplateRenderer
{
    public const int LoopLimit = 100;
    public const int RecursiveLimit = 10;
    public const int OutputLimit = 5_000;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Stored texts kept parsed and checked; a few thousand at most (then it starts afresh).</summary>
    public const int StoredTextsKept = 2_000;

    // A stored text is checked against its key's model when parsed: the same text of the same key is the same template.
    private readonly ConcurrentDictionary<(string Key, string Body), PreparedTemplate> _stored = new();

    /// <summary>
    /// Renders a stored text (a published template's text, subject, HTML or parameter) as a template of
    /// <paramref name="key"/>, parsing and checking each text once per process rather than once per message.
    /// </summary>
    public RenderResult RenderStored(string body, IReadOnlyDictionary<string, string?> model, string key)
    {
        if (!_stored.TryGetValue((key, body), out var prepared))
        {
            if (_stored.Count >= StoredTextsKept)
            {
                _stored.Clear();
            }

            prepared = _stored.GetOrAdd((key, body), k => PreparedTemplate.Prepare(k.Body, k.Key));
        }

        return Render(prepared, model);
    }

    /// <summary>Renders a stored template's text (<see cref="RenderStored"/>).</summary>
    public RenderResult Render(MessageTemplate template, IReadOnlyDictionary<string, string?> model) =>
        RenderStored(template.Body, model, template.Key);

    /// <summary>Renders a template text that is not stored (a preview or a draft) as a template of <paramref name="key"/>.</summary>
    public RenderResult Render(string body, IReadOnlyDictionary<string, string?> model, string? key = null) =>
        Render(PreparedTemplate.Prepare(body, key), model);

    /// <summary>Everything wrong with a template of <paramref name="key"/>, each with line and column; empty when it may be published.</summary>
    public IReadOnlyList<TemplateError> Validate(string body, string? key) => TemplateValidator.Validate(body, key);

    private static RenderResult Render(PreparedTemplate prepared, IReadOnlyDictionary<string, string?> model)
    {
        if (prepared.Template.HasErrors)
        {
            var errors = string.Join("; ", prepared.Errors);
            return RenderResult.Fail(TemplateErrorCodes.Syntax, $"the template does not parse: {errors}", errors);
        }

        if (prepared.Errors.Count > 0)
        {
            var errors = string.Join("; ", prepared.Errors);
            return RenderResult.Fail(TemplateErrorCodes.UnknownName, $"the template uses names outside the model of '{prepared.Key}': {errors}", errors);
        }

        using var timeout = new CancellationTokenSource(Timeout);
        var context = new TemplateContext
        {
            TemplateLoader = null,
            LoopLimit = LoopLimit,
            LoopLimitQueryable = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            ObjectRecursionLimit = 5,
            LimitToString = OutputLimit,
            OutputLimit = OutputLimit,
            OnOutputLimit = ScriptLimitBehavior.Throw,
            OnStringLimit = ScriptLimitBehavior.Throw,
            RegexTimeOut = TimeSpan.FromMilliseconds(500),
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            // Names were checked against the model above; one the model has but this patient lacks is null here
            // (renders empty, is false in an if), whether the key is absent from the message or blank.
            EnableRelaxedTargetAccess = true,
            MemberRenamer = member => member.Name,
            CancellationToken = timeout.Token,
        };
        var globals = BuildModel(model);
        globals.SetValue(TemplateValidator.HelpersName, RussianHelpers.Functions, readOnly: true);
        context.PushGlobal(globals);

        try
        {
            return RenderResult.Ok(prepared.Template.Render(context).Trim());
        }
        catch (ScriptRuntimeException ex)
        {
            return RenderResult.Fail(TemplateErrorCodes.RenderFailed,
                $"the template failed while rendering: {TemplateError.At(ex.Span, ex.OriginalMessage)}",
                TemplateError.At(ex.Span, ScribanMessages.Runtime(ex.OriginalMessage)).ToString());
        }
        catch (ArgumentException ex)
        {
            // The helpers' own messages (RussianHelpers) are Russian already.
            return RenderResult.Fail(TemplateErrorCodes.RenderFailed, $"the template failed while rendering: {ex.Message}", $"ошибка при подстановке данных: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return RenderResult.Fail(TemplateErrorCodes.Timeout, $"the template took longer than {Timeout.TotalSeconds:0} s to render",
                $"шаблон подставлялся дольше {Timeout.TotalSeconds:0} с: проверьте циклы");
        }
    }

    /// <summary>
    /// "patient.firstName" → patient → firstName, names kept as written. Empty values are left out, so a template's
    /// <c>if patient.firstName</c> sees a missing name the same way whether the key is absent or blank.
    /// </summary>
    public static ScriptObject BuildModel(IReadOnlyDictionary<string, string?> model)
    {
        var root = new ScriptObject(StringComparer.Ordinal);
        foreach (var (key, value) in model.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var path = key.Split('.');
            if (path.Any(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var node = root;
            for (var i = 0; i < path.Length - 1 && node is not null; i++)
            {
                if (!node.TryGetValue(path[i], out var child))
                {
                    child = new ScriptObject(StringComparer.Ordinal);
                    node.SetValue(path[i], child, readOnly: false);
                }

                // A key that is both a value and a parent ("clinic" and "clinic.name") keeps the value.
                node = child as ScriptObject;
            }

            if (node is not null && !node.ContainsKey(path[^1]))
            {
                node.SetValue(path[^1], value, readOnly: false);
            }
        }

        return root;
    }

    private sealed record PreparedTemplate(string Key, Template Template, IReadOnlyList<TemplateError> Errors)
    {
        public static PreparedTemplate Prepare(string body, string? key)
        {
            var template = Template.Parse(body);
            return new PreparedTemplate(key ?? "", template, TemplateValidator.Validate(template, TemplateModels.For(key)));
        }
    }
}
