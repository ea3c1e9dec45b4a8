using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary>The Audience service on the real broker and a database of its own, with two clinics' keys.</summary>
public sealed class AudienceApp() : ServiceApp<Program>("aud")
{
    public const string MisQueue = "audience-mis-events";
    public const string ClinicKey = "test-audience-msk-1";
    public const string OtherClinicKey = "test-audience-spb-1";

    /// <summary>A client calling with the key of clinic msk-1.</summary>
    public HttpClient CreateClinicClient() => CreateClient(ClinicKey);

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Mis:Clinics:0:ClinicId"] = "msk-1";
        settings["Mis:Clinics:0:ApiKey"] = ClinicKey;
        settings["Mis:Clinics:1:ClinicId"] = "spb-1";
        settings["Mis:Clinics:1:ApiKey"] = OtherClinicKey;
        return ValueTask.CompletedTask;
    }
}
