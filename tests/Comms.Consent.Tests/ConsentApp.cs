using Comms.Testing;

namespace Comms.Consent.Tests;

public sealed class ConsentApp() : ServiceApp<Program>("cns")
{
    public const string MisQueue = "consent-mis-events";
    public const string AdminKeyName = "test-admin";
    public const string AdminKey = "test-consent-admin-key-1";

    /// <summary>A client of the HTTP API with the admin key.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Consent:ApiKeys:0:Name"] = AdminKeyName;
        settings["Consent:ApiKeys:0:Key"] = AdminKey;
        settings["Consent:ApiKeys:1:Name"] = "mis-msk-1";
        settings["Consent:ApiKeys:1:Key"] = "test-consent-mis-key-2";
        // Small batches and frequent progress, so a test-sized file goes through several of each.
        settings["Consent:Imports:BatchSize"] = "200";
        settings["Consent:Imports:ProgressEvery"] = "100";
        return ValueTask.CompletedTask;
    }
}
