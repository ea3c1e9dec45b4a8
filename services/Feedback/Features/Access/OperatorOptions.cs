using System.ComponentModel.DataAnnotations;

namespace Comms.Feedback.Features.Access;

/// <summary>
/// Section <c>Operators</c>: keys for the clinic chain's own staff and tools, valid for every clinic (a clinic's MIS
/// key from <c>Mis:Clinics</c> is valid for that clinic only). The key's name says who called.
/// </summary>
public sealed class OperatorOptions : IValidatableObject
{
    public const string Section = "Operators";
    public const int MinimumKeyLength = 16;

    public List<OperatorKey> ApiKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ApiKeys[i].Name))
            {
                yield return new ValidationResult("is required (it names who called)", [$"{Section}:ApiKeys:{i}:Name"]);
            }

            if (string.IsNullOrWhiteSpace(ApiKeys[i].Key) || ApiKeys[i].Key.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"must be at least {MinimumKeyLength} characters", [$"{Section}:ApiKeys:{i}:Key"]);
            }
        }
    }
}

public sealed class OperatorKey
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}
