using System.Globalization;
using Comms.ServiceDefaults.Http;
using Comms.ServiceDefaults.Imports;

namespace Comms.Audience.Features.Imports;

/// <summary>
/// A CSV upload read once, row by row, as it arrives: the header row names the columns (any order, any case; ';' or
/// ',' or tab, whichever the header uses), each data row is handed out with its line number. Nothing is held in memory
/// but the row being read.
/// </summary>
public sealed class CsvSheet
{
    private readonly CsvRowReader _rows;
    private readonly int _lineOffset;
    private readonly Dictionary<string, int> _columns;

    private CsvSheet(CsvRowReader rows, Dictionary<string, int> columns, int lineOffset)
    {
        _rows = rows;
        _columns = columns;
        _lineOffset = lineOffset;
    }

    /// <summary>The sheet, or the header's problems (a required column missing, an unknown or repeated one).</summary>
    public static (CsvSheet? Sheet, Dictionary<string, string[]> Errors) Open(TextReader reader, IReadOnlyList<string> required, IReadOnlyList<string> optional)
    {
        var errors = new Dictionary<string, string[]>();
        var header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header))
        {
            errors["file"] = [$"is empty: the first row must name the columns ({string.Join(", ", required)})"];
            return (null, errors);
        }

        header = header.TrimStart('\uFEFF');
        var delimiter = CsvRowReader.DetectDelimiter(header);
        new CsvRowReader(new StringReader(header), delimiter).TryRead(out var names);
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var known = required.Concat(optional).ToList();
        for (var i = 0; i < names.Fields.Count; i++)
        {
            var name = names.Fields[i].Trim();
            if (name.Length == 0)
            {
                continue;
            }

            var canonical = known.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
            {
                errors[$"header.{Clip(name)}"] = [$"is not a column of this import; the columns are {string.Join(", ", known)}"];
            }
            else if (!columns.TryAdd(canonical, i))
            {
                errors[$"header.{canonical}"] = ["is given twice"];
            }
        }

        foreach (var name in required.Where(r => !columns.ContainsKey(r)))
        {
            errors[$"header.{name}"] = ["is a required column and is missing"];
        }

        return errors.Count > 0 ? (null, errors) : (new CsvSheet(new CsvRowReader(reader, delimiter), columns, 1), errors);
    }

    /// <summary>The next data row (blank lines skipped), or false at the end.</summary>
    public bool TryRead(out SheetRow row)
    {
        while (_rows.TryRead(out var raw))
        {
            if (raw.IsBlank)
            {
                continue;
            }

            row = new SheetRow(raw.Line + _lineOffset, raw.Fields, raw.Error, _columns);
            return true;
        }

        row = null!;
        return false;
    }

    private static string Clip(string name) => name.Length > 40 ? name[..40] : name;
}

/// <summary>One data row: its fields by column name, and the checks every import's columns share.</summary>
public sealed class SheetRow(int line, IReadOnlyList<string> fields, string? error, Dictionary<string, int> columns)
{
    public int Line { get; } = line;

    /// <summary>Why the row as a whole could not be read (an unclosed quote, a field too long), or null.</summary>
    public string? Error { get; } = error;

    /// <summary>The trimmed value of a column, null when the column is absent or the field empty.</summary>
    public string? this[string column] =>
        columns.TryGetValue(column, out var i) && i < fields.Count && fields[i].Trim() is { Length: > 0 } value ? value : null;

    /// <summary>A text field checked for what cannot be stored (NUL, a lone surrogate) and for its length.</summary>
    public string? Text(string column, int maxLength, List<(string Field, string Reason)> problems)
    {
        var value = this[column];
        if (value is null)
        {
            return null;
        }

        if (StoredText.Problem(value) is { } problem)
        {
            problems.Add((column, problem));
            return null;
        }

        if (value.Length > maxLength)
        {
            problems.Add((column, $"is longer than {maxLength} characters"));
            return null;
        }

        return value;
    }

    /// <summary>A non-negative amount; a decimal comma (as Russian Excel writes) is taken as a point; spaces between digits are dropped.</summary>
    public decimal? Money(string column, List<(string Field, string Reason)> problems)
    {
        var value = this[column];
        if (value is null)
        {
            return null;
        }

        var normalized = value.Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace(',', '.');
        if (!decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount > 1_000_000_000m)
        {
            problems.Add((column, "must be a non-negative number, such as 2500 or 2500.50 (at most 1 000 000 000)"));
            return null;
        }

        return decimal.Round(amount, 2);
    }

    /// <summary>A date <c>YYYY-MM-DD</c>, or an ISO 8601 date-time (its own date is taken, as the MIS wrote it).</summary>
    public DateOnly? Date(string column, List<(string Field, string Reason)> problems)
    {
        var value = this[column];
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (value.Length > 10 && value[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
            && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            _ = moment;
            return date;
        }

        problems.Add((column, "must be a date YYYY-MM-DD or an ISO 8601 date-time (2024-03-15T10:30:00+03:00)"));
        return null;
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), in its canonical spelling.</summary>
    public string? OneOf(string column, IReadOnlyList<string> allowed, List<(string Field, string Reason)> problems)
    {
        var value = this[column];
        if (value is null)
        {
            return null;
        }

        if (allowed.FirstOrDefault(a => a.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } canonical)
        {
            return canonical;
        }

        problems.Add((column, $"must be one of {string.Join(", ", allowed)}"));
        return null;
    }
}
