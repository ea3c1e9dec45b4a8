using System.ComponentModel.DataAnnotations;

namespace Comms.Templating.Features.Accounts;

/// <summary>
/// Section <c>Templating</c>: the local accounts that may sign in to the marketer UI and the authoring API. No accounts
/// means nobody can sign in (composing messages keeps working).
/// </summary>
public sealed class TemplatingAccountsOptions : IValidatableObject
{
    public const string Section = "Templating";

    public List<TemplatingAccount> Accounts { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Accounts.Count; i++)
        {
            var account = Accounts[i];
            if (string.IsNullOrWhiteSpace(account.UserName) || account.UserName.Length > 100)
            {
                yield return new ValidationResult("is required (1-100 characters)", [$"{Section}:Accounts:{i}:UserName"]);
            }

            if (string.IsNullOrEmpty(account.Password))
            {
                yield return new ValidationResult("is required", [$"{Section}:Accounts:{i}:Password"]);
            }

            if (!TemplatingRoles.All.Contains(account.Role))
            {
                yield return new ValidationResult(
                    $"must be one of {string.Join(", ", TemplatingRoles.All)}, not '{account.Role}'", [$"{Section}:Accounts:{i}:Role"]);
            }
        }

        foreach (var duplicate in Accounts.Where(a => !string.IsNullOrWhiteSpace(a.UserName))
                     .GroupBy(a => a.UserName, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"the user name '{duplicate.Key}' is given to more than one account", [$"{Section}:Accounts"]);
        }
    }
}

public sealed class TemplatingAccount
{
    public string UserName { get; set; } = "";

    /// <summary>Compared as given; in production a long random password per person.</summary>
    public string Password { get; set; } = "";

    /// <summary>Shown in the UI; the user name when empty.</summary>
    public string? DisplayName { get; set; }

    public string Role { get; set; } = "";
}

public static class TemplatingRoles
{
    /// <summary>Edits drafts, publishes and rolls back.</summary>
    public const string Marketer = "marketer";

    /// <summary>Reads templates and previews them.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Marketer, Viewer };
}
