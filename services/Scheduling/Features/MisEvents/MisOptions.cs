using System.ComponentModel.DataAnnotations;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>Section <c>Mis</c>: the clinics allowed to post events over HTTP, each with its API key.</summary>
public sealed class MisOptions : IValidatableObject
{
    public const string Section = "Mis";

    public List<MisClinicKey> Clinics { get; set; } = [];

    /// <summary>Largest accepted batch (application/cloudevents-batch+json).</summary>
    [Range(1, 5000)]
    public int MaxBatchSize { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Clinics.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Clinics[i].ClinicId))
            {
                yield return new ValidationResult("is required", [$"{Section}:Clinics:{i}:ClinicId"]);
            }

            if (string.IsNullOrWhiteSpace(Clinics[i].ApiKey) || Clinics[i].ApiKey.Length < 12)
            {
                yield return new ValidationResult("must be at least 12 characters", [$"{Section}:Clinics:{i}:ApiKey"]);
            }
        }

        foreach (var duplicate in Clinics.GroupBy(c => c.ApiKey).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"the same key is given to clinics {string.Join(", ", duplicate.Select(c => c.ClinicId))}", [$"{Section}:Clinics"]);
        }
    }
}

public sealed class MisClinicKey
{
    public string ClinicId { get; set; } = "";

    public string ApiKey { get; set; } = "";
}
