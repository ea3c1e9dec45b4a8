using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Comms.Consent.Features.Ledger;
using Comms.Contracts;
using Comms.ServiceDefaults.Imports;

namespace Comms.Consent.Features.Imports;

/// <summary>
/// The columns of an import file (docs/consent.md) and how one row becomes a consent: the row's cells are named as
/// in <c>patient.consent_changed</c> data and checked by <see cref="ConsentInputs"/>, the rules every other way into
/// the ledger follows. Errors name the file's own column.
/// </summary>
public sealed partial class ImportColumns
{
    /// <summary>CSV column → field of the consent data.</summary>
    public static readonly IReadOnlyList<(string Column, string Field)> Known =
    [
        ("patient_id", "patientId"),
        ("phone", "phone"),
        ("email", "email"),
        ("messenger_id", "messengerId"),
        ("channel", "channel"),
        ("purpose", "purpose"),
        ("granted", "granted"),
        ("method", "method"),
        ("document_ref", "documentRef"),
        ("wording_version", "wordingVersion"),
        ("captured_at", "capturedAt"),
        ("captured_by", "capturedBy"),
    ];

    public static readonly IReadOnlyList<string> Required = ["channel", "purpose", "granted", "method", "captured_at"];

    public static readonly IReadOnlyList<string> Contacts = ["phone", "email", "messenger_id"];

    private static readonly string[] TrueWords = ["true", "1", "yes", "y", "да", "д", "+"];
    private static readonly string[] FalseWords = ["false", "0", "no", "n", "нет", "н", "-"];

    /// <summary>Field → the position of its column in the file.</summary>
    private readonly Dictionary<string, int> _positions;

    private ImportColumns(Dictionary<string, int> positions, IReadOnlyList<string> ignored)
    {
        _positions = positions;
        Ignored = ignored;
    }

    /// <summary>Header cells that are not import columns; they are ignored (exports carry names, addresses, …).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Maps the header row. Column names are matched ignoring case, spaces, '-' and '_' ("Captured At" = captured_at).</summary>
    public static ImportColumns? FromHeader(IReadOnlyList<string> header, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var ignored = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            var known = Known.FirstOrDefault(k => Squash(k.Column) == Squash(name));
            if (known.Field is null)
            {
                if (name.Length > 0)
                {
                    ignored.Add(name);
                }

                continue;
            }

            if (!positions.TryAdd(known.Field, i))
            {
                errors[known.Column] = [$"appears more than once in the header (columns {positions[known.Field] + 1} and {i + 1})"];
            }
        }

        var missing = Required.Where(c => !positions.ContainsKey(FieldOf(c))).ToList();
        if (missing.Count > 0)
        {
            errors["header"] = [$"missing column(s): {string.Join(", ", missing)}; the header row names the columns (docs/consent.md)"];
        }

        if (!Contacts.Any(c => positions.ContainsKey(FieldOf(c))))
        {
            errors["header"] = [.. errors.GetValueOrDefault("header") ?? [], $"a contact column is required: {string.Join(", ", Contacts)}"];
        }

        return errors.Count == 0 ? new ImportColumns(positions, ignored) : null;
    }

    /// <summary>Reads one data row for <paramref name="clinicId"/>: the consent, or the problems keyed by column name.</summary>
    public ConsentInputResult Read(CsvRow row, string clinicId)
    {
        if (row.Error is not null)
        {
            return new ConsentInputResult(null, new Dictionary<string, string[]> { ["$"] = [row.Error] });
        }

        var data = new JsonObject { ["clinicId"] = clinicId };
        foreach (var (field, position) in _positions)
        {
            var cell = position < row.Fields.Count ? row.Fields[position].Trim() : "";
            if (cell.Length == 0)
            {
                continue;
            }

            data[field] = field switch
            {
                "channel" or "purpose" or "method" => cell.ToLowerInvariant(),
                "granted" => TrueWords.Contains(cell.ToLowerInvariant()) ? true : FalseWords.Contains(cell.ToLowerInvariant()) ? false : cell,
                "capturedAt" => SpaceSeparated().IsMatch(cell) ? cell[..10] + "T" + cell[11..] : cell,
                _ => cell,
            };
        }

        KeepTheChannelsContact(data);
        var result = ConsentInputs.Read(data);
        var errors = result.Errors.ToDictionary(e => ColumnOf(e.Key), e => e.Value);
        if (!data.ContainsKey("capturedAt") && !errors.ContainsKey("captured_at"))
        {
            // The MIS may leave it out (the event's time stands in); a file has no such time, and "when" is what a court asks.
            errors["captured_at"] = ["is required: when the patient gave or withdrew the consent"];
        }

        return errors.Count == 0 ? result : new ConsentInputResult(null, errors);
    }

    /// <summary>
    /// A row may carry both a phone and an email (a patient's card); the channel says which one the consent is for.
    /// </summary>
    private static void KeepTheChannelsContact(JsonObject data)
    {
        var channel = data["channel"]?.GetValue<string>();
        string[] keep = channel switch
        {
            Channels.Sms => ["phone"],
            Channels.Email => ["email"],
            Channels.WhatsApp or Channels.Max => data.ContainsKey("messengerId") ? ["messengerId"] : ["phone"],
            _ => ["phone", "email", "messengerId"],
        };
        foreach (var contact in new[] { "phone", "email", "messengerId" }.Except(keep))
        {
            if (keep.Any(data.ContainsKey))
            {
                data.Remove(contact);
            }
        }
    }

    /// <summary>
    /// What makes a row the same row again: contact, channel, purpose, decision, method, document and capture time.
    /// A re-imported row with the same key is a duplicate and is not appended again.
    /// </summary>
    public static string RowKey(string clinicId, ConsentInput input, DateTimeOffset capturedAt)
    {
        var canonical = string.Join('\u001F',
            input.Contact, input.Channel, input.Purpose, input.Granted ? "1" : "0", input.Method, input.DocumentRef ?? "",
            capturedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return $"import:{clinicId}|{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
    }

    private static string ColumnOf(string field) =>
        Known.FirstOrDefault(k => k.Field == field).Column ?? (field == "clinicId" ? "clinicId" : "$");

    private static string FieldOf(string column) => Known.First(k => k.Column == column).Field;

    private static string Squash(string name) =>
        name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)
            .ToLowerInvariant();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}")]
    private static partial Regex SpaceSeparated();
}
