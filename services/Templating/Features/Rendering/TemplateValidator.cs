using System.Collections.Frozen;
using Comms.Templating.Features.Models;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Syntax;

namespace Comms.Templating.Features.Rendering;

/// <summary>Where a template is wrong: 1-based line and column, and why (in Russian, for the marketer).</summary>
public sealed record TemplateError(int Line, int Column, string Reason)
{
    public override string ToString() => $"строка {Line}, столбец {Column}: {Reason}";

    internal static TemplateError At(SourceSpan span, string reason) => new(span.Start.Line + 1, span.Start.Column + 1, reason);
}

/// <summary>
/// Checks a template before it is published or rendered: it parses, and every variable it reads is in the model of
/// its key (<see cref="TemplateModels"/>), so a typo such as <c>patient.fistName</c> is an error with its place
/// instead of a blank in a patient's message. For a key the catalog does not know, only the common variables
/// (patient.*, clinic.*) are checked, since its other variables are not known here.
/// </summary>
public static class TemplateValidator
{
    public const string HelpersName = "ru";

    private static readonly FrozenSet<string> Builtins =
        new BuiltinFunctions().Keys.Append(HelpersName).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> CommonRoots =
        TemplateModels.Common.Select(v => v.Name.Split('.')[0]).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Everything wrong with <paramref name="body"/> as a template of <paramref name="key"/>; empty when it may be published.</summary>
    public static IReadOnlyList<TemplateError> Validate(string body, string? key) => Validate(Template.Parse(body), TemplateModels.For(key));

    internal static IReadOnlyList<TemplateError> Validate(Template template, TemplateModel model)
    {
        if (template.HasErrors)
        {
            return template.Messages
                .Where(m => m.Type == ParserMessageType.Error)
                .Select(m => TemplateError.At(m.Span, $"ошибка синтаксиса: {ScribanMessages.Syntax(m.Message)}"))
                .ToList();
        }

        var walker = new Walker();
        walker.Walk(template.Page);
        var errors = new List<TemplateError>();
        foreach (var (path, span) in walker.Reads)
        {
            if (Problem(path, model, walker.Declared) is { } reason)
            {
                errors.Add(TemplateError.At(span, reason));
            }
        }

        return errors;
    }

    private static string? Problem(IReadOnlyList<string> path, TemplateModel model, HashSet<string> declared)
    {
        var root = path[0];
        if (root == HelpersName)
        {
            return path.Count < 2 || RussianHelpers.Functions.ContainsKey(path[1]) ? null : $"неизвестная функция ru.{path[1]}";
        }

        if (declared.Contains(root) || (Builtins.Contains(root) && !model.Knows(root)))
        {
            return null;
        }

        if (!model.IsCataloged && !CommonRoots.Contains(root))
        {
            return null;
        }

        // "patient.firstName.size" reads a member of a known string: it is empty, not a typo of a variable.
        for (var length = path.Count; length > 0; length--)
        {
            var prefix = string.Join('.', path.Take(length));
            if (model.Knows(prefix))
            {
                return length == path.Count || model.Variables.Any(v => v.Name == prefix)
                    ? null
                    : $"неизвестная переменная {string.Join('.', path)}";
            }
        }

        return $"неизвестная переменная {string.Join('.', path)}";
    }

    /// <summary>Collects the dotted paths a template reads from globals and the names it assigns itself.</summary>
    private sealed class Walker
    {
        public List<(IReadOnlyList<string> Path, SourceSpan Span)> Reads { get; } = [];

        public HashSet<string> Declared { get; } = new(StringComparer.Ordinal);

        public void Walk(ScriptNode? node)
        {
            switch (node)
            {
                case null:
                    return;
                case ScriptMemberExpression or ScriptIndexerExpression when Path((ScriptExpression)node) is { } path:
                    Reads.Add((path, node.Span));
                    return;
                case ScriptVariableGlobal global:
                    Reads.Add(([global.Name], global.Span));
                    return;
                case ScriptAssignExpression { Target: ScriptVariableGlobal target } assign:
                    Declared.Add(target.Name);
                    Walk(assign.Value);
                    return;
                case ScriptForStatement { Variable: ScriptVariableGlobal variable }:
                    Declared.Add(variable.Name);
                    break;
                case ScriptCaptureStatement { Target: ScriptVariableGlobal captured }:
                    Declared.Add(captured.Name);
                    break;
                case ScriptFunction function:
                    if (function.NameOrDoToken is ScriptVariable name)
                    {
                        Declared.Add(name.Name);
                    }

                    foreach (var parameter in function.Parameters ?? [])
                    {
                        if (parameter.Name is { } parameterName)
                        {
                            Declared.Add(parameterName.Name);
                        }
                    }

                    break;
            }

            for (var i = 0; i < node.ChildrenCount; i++)
            {
                Walk(node.GetChildren(i));
            }
        }

        /// <summary>
        /// patient.firstName or patient["firstName"] → [patient, firstName] when the chain starts at a global;
        /// else null, and the parts are walked one by one.
        /// </summary>
        private static List<string>? Path(ScriptExpression expression)
        {
            var names = new List<string>();
            var current = expression;
            while (true)
            {
                if (current is ScriptMemberExpression { Member: { } memberName } member)
                {
                    names.Add(memberName.Name);
                    current = member.Target;
                }
                else if (current is ScriptIndexerExpression { Index: ScriptLiteral { Value: string key } } indexer)
                {
                    names.Add(key);
                    current = indexer.Target;
                }
                else
                {
                    break;
                }
            }

            if (current is not ScriptVariableGlobal root)
            {
                return null;
            }

            names.Add(root.Name);
            names.Reverse();
            return names;
        }
    }
}
