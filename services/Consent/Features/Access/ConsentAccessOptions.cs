using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Comms.Consent.Features.Access;

/// <summary>
/// Section <c>Consent</c>: who may use the HTTP API. Each key has a name, recorded as who made every change made with
/// it. No keys means the API answers 401 to everyone (the ledger still takes MIS events and opt-outs).
/// </summary>
public sealed partial class ConsentAccessOptions : IValidatableObject
{
    public const string Section = "Consent";
    public const int MinimumKeyLength = 16;

    public List<ConsentApiKey> ApiKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name) || !NamePattern().IsMatch(key.Name))
            {
                yield return new ValidationResult(
                    "is required: 1-100 characters of letters, digits, '.', '_', '-' or '@' (it is recorded as who made each change)",
                    [$"{Section}:ApiKeys:{i}:Name"]);
            }

            if (string.IsNullOrWhiteSpace(key.Key) || key.Key.Trim().Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"must be at least {MinimumKeyLength} characters", [$"{Section}:ApiKeys:{i}:Key"]);
            }
        }

        foreach (var duplicate in ApiKeys.Where(k => !string.IsNullOrEmpty(k.Name)).GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"the name '{duplicate.Key}' is given to more than one key", [$"{Section}:ApiKeys"]);
        }

        foreach (var duplicate in ApiKeys.Where(k => !string.IsNullOrEmpty(k.Key)).GroupBy(k => k.Key).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult(
                $"the same key is given to {string.Join(", ", duplicate.Select(k => k.Name))}", [$"{Section}:ApiKeys"]);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,100}$")]
    private static partial Regex NamePattern();
}

public sealed class ConsentApiKey
{
    /// <summary>Who uses the key, e.g. "mis-msk-1" or "lawyer-office"; becomes Source "api:&lt;name&gt;" and RecordedBy.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}
