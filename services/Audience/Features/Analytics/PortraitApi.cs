using System.Globalization;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Audience.Features.Analytics;

/// <summary><c>GET /api/v1/audience/clinics/{clinicId}/portrait?asOf=</c>: the patient portrait of the clinic and of each segment.</summary>
public static class PortraitApi
{
    public static RouteGroupBuilder MapPortraitEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/clinics/{clinicId}/portrait", PortraitAsync).WithName("GetAudiencePortrait")
            .WithSummary("The patient portrait as of a date, of all patients and per segment: age bands, sex, top cities and districts, acquisition sources, preferred channels, and the value of referred patients against the others")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<ClinicPortrait>, ValidationProblem>> PortraitAsync(
        string clinicId, string? asOf, AudienceScoring scoring, AudienceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var date = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (asOf is not null && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["asOf"] = ["must be a date YYYY-MM-DD"] });
        }

        var scores = await scoring.ScoreAsync(clinicId, date, cancellationToken);
        var patients = scores.Patients.Values.Where(p => p.ClinicId == clinicId).ToList();
        var traits = patients.Count == 0 ? new Dictionary<string, PatientTraits>() : await AnalyticsEndpoints.TraitsAsync(db, clinicId, date, cancellationToken);
        return TypedResults.Ok(PatientPortraits.Of(clinicId, date, patients, traits));
    }
}
