using System.ComponentModel.DataAnnotations;

namespace Comms.Feedback.Features.Managers;

/// <summary>
/// Section <c>Feedback</c>, key <c>Managers</c>: who may sign in to the managers' page, and which clinics each sees.
/// No managers means nobody can sign in (the rest of Feedback works).
/// </summary>
public sealed class ManagerAccountsOptions : IValidatableObject
{
    public const string Section = "Feedback";

    public List<ManagerAccount> Managers { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Managers.Count; i++)
        {
            var manager = Managers[i];
            var path = $"{Section}:Managers:{i}";
            if (string.IsNullOrWhiteSpace(manager.Name) || manager.Name.Length > 100)
            {
                yield return new ValidationResult("is required (1-100 characters)", [$"{path}:Name"]);
            }

            if (ManagerPasswords.Problem(manager.PasswordHash) is { } problem)
            {
                yield return new ValidationResult(problem, [$"{path}:PasswordHash"]);
            }

            if (manager.Clinics.Any(string.IsNullOrWhiteSpace))
            {
                yield return new ValidationResult("must not contain an empty clinic id (leave the list empty, or give \"*\", for every clinic)", [$"{path}:Clinics"]);
            }
        }

        foreach (var duplicate in Managers.Where(m => !string.IsNullOrWhiteSpace(m.Name))
                     .GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"the name '{duplicate.Key}' is given to more than one manager", [$"{Section}:Managers"]);
        }
    }

    public ManagerAccount? Named(string? name) =>
        Managers.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed class ManagerAccount
{
    public string Name { get; set; } = "";

    /// <summary><see cref="ManagerPasswords"/>' format; the password itself is never configured.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>The clinics this manager sees; empty or <c>*</c>: every clinic of the chain.</summary>
    public List<string> Clinics { get; set; } = [];

    public bool SeesEveryClinic => Clinics.Count == 0 || Clinics.Contains("*");

    public bool MaySee(string clinicId) => SeesEveryClinic || Clinics.Contains(clinicId, StringComparer.Ordinal);
}
