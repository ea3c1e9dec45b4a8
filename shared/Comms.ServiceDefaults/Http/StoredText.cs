using System.Text;
using System.Text.Json;

namespace Comms.ServiceDefaults.Http;

/// <summary>
/// Text that cannot be stored or sent: a NUL character (PostgreSQL refuses it in every text column and parameter),
/// a lone UTF-16 surrogate, or bytes that are not UTF-8. Every string a service takes in — a JSON body, a form, a query
/// or route value over HTTP, an MIS event over AMQP — is checked once at the door, so such text is refused with the
/// field's name instead of failing deep inside with an error that quotes the patient's data.
/// </summary>
public static class StoredText
{
    /// <summary>Why <paramref name="text"/> cannot be taken, or null when it can.</summary>
    public static string? Problem(string? text)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "contains a NUL character (U+0000), which cannot be stored";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "contains a lone UTF-16 surrogate, which is not text";
            }
        }

        return null;
    }

    /// <summary>
    /// Every string (property names included) of a JSON document whose text cannot be taken, keyed by its path in
    /// the style of the validation errors (<c>data.patient.lastName</c>, <c>[0].data.id</c>, <c>$</c> for the root);
    /// a document that is not JSON at all gives one error at <c>$</c>. Empty when all is well.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> FindInJson(ReadOnlySpan<byte> utf8Json, int maxErrors = 20)
    {
        var errors = new Dictionary<string, string[]>();
        var path = new JsonPath();
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            while (reader.Read() && errors.Count < maxErrors)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Enter(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Leave();
                        path.ValueDone();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Read(ref reader, out var nameProblem);
                        path.Property(name ?? "?");
                        if (nameProblem is not null)
                        {
                            errors.TryAdd(path.Current, [$"the property name {nameProblem}"]);
                        }

                        break;
                    case JsonTokenType.String:
                        Read(ref reader, out var problem);
                        if (problem is not null)
                        {
                            errors.TryAdd(path.Current, [problem]);
                        }

                        path.ValueDone();
                        break;
                    default:
                        path.ValueDone();
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            errors.Clear();
            errors["$"] = [$"is not valid JSON: {Position(ex)}"];
        }

        return errors;
    }

    /// <summary>The reader's own message names a line and a byte but also quotes the offending character: keep only the place.</summary>
    private static string Position(JsonException ex) =>
        ex.LineNumber is { } line && ex.BytePositionInLine is { } at
            ? $"the text breaks off or goes wrong at line {line + 1}, byte {at + 1}"
            : "the text breaks off or goes wrong";

    private static string? Read(ref Utf8JsonReader reader, out string? problem)
    {
        string? text;
        try
        {
            text = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // GetString refuses both invalid UTF-8 bytes and an escaped lone surrogate ("\ud800").
            problem = "is not valid text (invalid UTF-8, or a lone UTF-16 surrogate)";
            return null;
        }

        problem = Problem(text);
        return text;
    }

    /// <summary>Where the reader is, as <c>data.services[2].name</c>.</summary>
    private sealed class JsonPath
    {
        private readonly List<Frame> _frames = [];

        public string Current
        {
            get
            {
                var text = new StringBuilder();
                foreach (var frame in _frames)
                {
                    if (frame.IsArray)
                    {
                        text.Append('[').Append(frame.Index).Append(']');
                    }
                    else if (frame.Property is { } name)
                    {
                        if (text.Length > 0)
                        {
                            text.Append('.');
                        }

                        text.Append(name);
                    }
                }

                return text.Length == 0 ? "$" : text.ToString();
            }
        }

        public void Enter(bool isArray) => _frames.Add(new Frame(isArray));

        public void Leave() => _frames.RemoveAt(_frames.Count - 1);

        public void Property(string name) => _frames[^1].Property = name;

        /// <summary>A value ended: in an array, the next one has the next index.</summary>
        public void ValueDone()
        {
            if (_frames.Count > 0 && _frames[^1].IsArray)
            {
                _frames[^1].Index++;
            }
        }

        private sealed class Frame(bool isArray)
        {
            public bool IsArray { get; } = isArray;

            public int Index { get; set; }

            public string? Property { get; set; }
        }
    }
}
