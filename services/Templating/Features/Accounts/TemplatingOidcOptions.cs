using System.ComponentModel.DataAnnotations;

namespace Comms.Templating.Features.Accounts;

/// <summary>
/// Section <c>Templating:Oidc</c>: sign-in through the clinic chain's identity provider (OpenID Connect, authorization
/// code with PKCE), beside the local accounts. Off while <see cref="Authority"/> is empty.
/// </summary>
public sealed class TemplatingOidcOptions : IValidatableObject
{
    public const string Section = "Templating:Oidc";

    /// <summary>The provider's issuer URL, e.g. https://id.clinic.example/realms/staff; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string ClientId { get; set; } = "";

    public string? ClientSecret { get; set; }

    /// <summary>The words on the sign-in page's button.</summary>
    public string DisplayName { get; set; } = "Корпоративная учётная запись";

    /// <summary>The claim carrying the user's groups or roles at the provider.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Values of <see cref="RoleClaim"/> that make a user a marketer (edit, publish); anyone else signs in as a viewer.</summary>
    public List<string> MarketerValues { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            yield return new ValidationResult("must be the provider's absolute https URL", [$"{Section}:{nameof(Authority)}"]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("is required when Authority is set", [$"{Section}:{nameof(ClientId)}"]);
        }
    }
}
