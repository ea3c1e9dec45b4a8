using System.Collections.Concurrent;
using Comms.Templating.Persistence;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Comms.Templating.Features.Rendering;

/// <summary>The text of a rendered template, or why it could not be rendered.</summary>
public sealed record RenderResult(string? Text, string? Error)
{
    public bool Succeeded => Error is null;

    public static RenderResult Ok(string text) => new(text, null);

    public static RenderResult Fail(string error) => new(null, error);
}

/// <summary>
/// Renders marketer-authored Scriban templates in a sandbox: the model is a tree of plain strings built from the
/// dotted keys of ComposeMessage.Model, no .NET object is imported, <c>include</c> has no loader, and loops,
/// recursion, output size and time are capped, so a bad template fails one message instead of the service.
/// </summary>
public sealed class TemplateRenderer
{
    public const int LoopLimit = 100;
    public const int RecursiveLimit = 10;
    public const int OutputLimit = 5_000;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // Published versions never change, so a parsed template stays valid for the life of the process.
    private readonly ConcurrentDictionary<Guid, Template> _parsed = new();

    /// <summary>Renders a published template version, parsing it once per process.</summary>
    public RenderResult Render(MessageTemplate template, IReadOnlyDictionary<string, string?> model) =>
        Render(_parsed.GetOrAdd(template.Id, _ => Template.Parse(template.Body)), model);

    /// <summary>Renders a template text that is not stored (a preview or a draft).</summary>
    public RenderResult Render(string body, IReadOnlyDictionary<string, string?> model) =>
        Render(Template.Parse(body), model);

    private static RenderResult Render(Template template, IReadOnlyDictionary<string, string?> model)
    {
        if (template.HasErrors)
        {
            return RenderResult.Fail($"the template does not parse: {string.Join("; ", template.Messages.Select(m => m.ToString()))}");
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
            // "patient.firstName" with no patient in the model is null (renders empty, is false in an if), not an error.
            EnableRelaxedTargetAccess = true,
            MemberRenamer = member => member.Name,
            CancellationToken = timeout.Token,
        };
        context.PushGlobal(BuildModel(model));

        try
        {
            return RenderResult.Ok(template.Render(context).Trim());
        }
        catch (ScriptRuntimeException ex)
        {
            return RenderResult.Fail($"the template failed while rendering: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return RenderResult.Fail($"the template took longer than {Timeout.TotalSeconds:0} s to render");
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
}
