using System.Text;
using Comms.ServiceDefaults.Http;

namespace Comms.ServiceDefaults.Imports;

/// <summary>One record of a CSV file: its fields and the line it starts on, or why it cannot be read.</summary>
public sealed record CsvRow(int Line, IReadOnlyList<string> Fields, string? Error)
{
    public bool IsBlank => Error is null && Fields.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Reads CSV (RFC 4180 as Excel and 1C write it) one record at a time from a <see cref="TextReader"/>: fields may be
/// quoted, a quoted field may hold the delimiter, line breaks and doubled quotes (""); a quote inside an unquoted field
/// is taken literally. Lines end with CRLF, LF or CR. A record longer than the limits is reported, not buffered.
/// </summary>
public sealed class CsvRowReader(TextReader reader, char delimiter, int maxFieldLength = 10_000, int maxFields = 200)
{
    private readonly StringBuilder _field = new();
    private int _line = 1;

    public bool TryRead(out CsvRow row)
    {
        if (reader.Peek() < 0)
        {
            row = null!;
            return false;
        }

        var start = _line;
        var fields = new List<string>();
        string? error = null;
        var quoted = false;
        var afterQuote = false;
        var fieldStart = true;
        _field.Clear();

        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                if (quoted)
                {
                    error ??= $"a quoted field opened in column {fields.Count + 1} is never closed";
                }

                break;
            }

            var c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        Append('"', fields.Count, ref error);
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && reader.Peek() != '\n'))
                    {
                        _line++;
                    }

                    Append(c, fields.Count, ref error);
                }

                continue;
            }

            if (c == delimiter)
            {
                AddField(fields, ref error);
                fieldStart = true;
                afterQuote = false;
                continue;
            }

            if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                _line++;
                break;
            }

            if (c == '"' && fieldStart)
            {
                quoted = true;
                fieldStart = false;
                continue;
            }

            if (afterQuote)
            {
                error ??= $"column {fields.Count + 1}: text after the closing quote of a quoted field";
            }

            fieldStart = false;
            Append(c, fields.Count, ref error);
        }

        AddField(fields, ref error);
        row = new CsvRow(start, fields, error);
        return true;
    }

    private void Append(char c, int column, ref string? error)
    {
        if (_field.Length < maxFieldLength)
        {
            _field.Append(c);
        }
        else
        {
            error ??= $"column {column + 1} is longer than {maxFieldLength} characters";
        }
    }

    private void AddField(List<string> fields, ref string? error)
    {
        if (fields.Count < maxFields)
        {
            var text = _field.ToString();
            if (StoredText.Problem(text) is { } problem)
            {
                error ??= $"column {fields.Count + 1} {problem}";
            }

            fields.Add(text);
        }
        else
        {
            error ??= $"the row has more than {maxFields} fields";
        }

        _field.Clear();
    }

    /// <summary>
    /// The delimiter of a file from its header line: whichever of ';', ',' and tab occurs most outside quotes
    /// (Russian Excel and 1C write ';', most other tools ',').
    /// </summary>
    public static char DetectDelimiter(string headerLine)
    {
        int semicolons = 0, commas = 0, tabs = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                switch (c)
                {
                    case ';': semicolons++; break;
                    case ',': commas++; break;
                    case '\t': tabs++; break;
                }
            }
        }

        return semicolons >= commas && semicolons >= tabs ? ';' : commas >= tabs ? ',' : '\t';
    }
}
