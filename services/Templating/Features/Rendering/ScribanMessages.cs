using System.Text.RegularExpressions;

namespace Comms.Templating.Features.Rendering;

/// <summary>
/// Scriban's messages for the mistakes marketers make, in Russian. Scriban words them in English; one this does not
/// know is given as Scriban wrote it, after a Russian lead-in, so nothing is lost.
/// </summary>
public static partial class ScribanMessages
{
    /// <summary>A parser error ("Error while parsing if statement: The &lt;end&gt; statement was not found in: …").</summary>
    public static string Syntax(string message)
    {
        var block = BlockPattern().Match(message) is { Success: true } m ? m.Groups["block"].Value : null;
        var blockName = block switch
        {
            "if" => "{{ if }}",
            "for" => "{{ for }}",
            "while" => "{{ while }}",
            "else" => "{{ else }}",
            "function" => "{{ func }}",
            "capture" => "{{ capture }}",
            "case" => "{{ case }}",
            _ => null,
        };

        if (message.Contains("The <end> statement was not found", StringComparison.Ordinal))
        {
            return blockName is null ? "не хватает {{ end }}: блок не закрыт" : $"не хватает {{{{ end }}}}: блок {blockName} не закрыт";
        }

        if (message.Contains("Found <end> statement without a corresponding beginning", StringComparison.Ordinal))
        {
            return "лишний {{ end }}: открытого блока нет";
        }

        if (message.Contains("else condition must be preceded", StringComparison.Ordinal))
        {
            return "{{ else }} без {{ if }} перед ним";
        }

        if (ExpectingPattern().Match(message) is { Success: true } expecting)
        {
            var what = expecting.Groups["what"].Value == "a variable" ? "имя" : "выражение";
            return $"здесь ожидалось {what}, а стоит «{expecting.Groups["found"].Value}»";
        }

        if (message.Contains("string not terminated", StringComparison.Ordinal))
        {
            return "не закрыта кавычка";
        }

        if (UnexpectedPattern().Match(message) is { Success: true } unexpected)
        {
            return $"неожиданный знак «{unexpected.Groups["token"].Value}»";
        }

        return $"ошибка в записи шаблона (Scriban: {message})";
    }

    /// <summary>An error while rendering (a loop over the limit, an unknown function, a wrong number of arguments).</summary>
    public static string Runtime(string message)
    {
        if (message.Contains("LoopLimit", StringComparison.Ordinal) || message.Contains("iteration limit", StringComparison.Ordinal))
        {
            return $"цикл повторяется больше {TemplateRenderer.LoopLimit} раз";
        }

        if (message.Contains("recursive depth limit", StringComparison.Ordinal))
        {
            return $"функция вызывает себя глубже {TemplateRenderer.RecursiveLimit} уровней";
        }

        if (message.Contains("output", StringComparison.OrdinalIgnoreCase) && message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return $"текст получается длиннее {TemplateRenderer.OutputLimit} символов";
        }

        if (FunctionNotFoundPattern().Match(message) is { Success: true } function)
        {
            return $"нет функции {function.Groups["name"].Value}";
        }

        if (ArgumentsPattern().Match(message) is { Success: true } arguments)
        {
            return $"функции {arguments.Groups["name"].Value} передано аргументов: {arguments.Groups["given"].Value}, а нужно {arguments.Groups["expected"].Value}";
        }

        return $"ошибка при подстановке данных (Scriban: {message})";
    }

    [GeneratedRegex(@"Error while parsing (?<block>\w+) statement")]
    private static partial Regex BlockPattern();

    [GeneratedRegex(@"Expecting (?<what>an <expression>|<expression>|a variable)(?: to the right of the operator)? instead of `(?<found>[^`]*)`")]
    private static partial Regex ExpectingPattern();

    [GeneratedRegex(@"Unexpected token (?<token>\S+)")]
    private static partial Regex UnexpectedPattern();

    [GeneratedRegex(@"The function `(?<name>[^`]+)` was not found")]
    private static partial Regex FunctionNotFoundPattern();

    [GeneratedRegex(@"Invalid number of arguments `(?<given>\d+)` passed to `(?<name>[^`]+)` while expecting `(?<expected>\d+)`")]
    private static partial Regex ArgumentsPattern();
}
