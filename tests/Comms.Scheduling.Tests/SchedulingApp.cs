using Comms.Scheduling.Persistence;
using Comms.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Scheduling.Tests;

public sealed class SchedulingApp() : ServiceApp<Program>("sched")
{
    public const string ApiKey = "test-key-msk-1";
    public const string OperatorKey = "test-operator-key-0001";

    /// <summary>A client with the clinic's key: the appointment and rules APIs need one.</summary>
    public override HttpClient CreateClient()
    {
        var client = base.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Mis:Clinics:0:ClinicId"] = "msk-1";
        settings["Mis:Clinics:0:ApiKey"] = ApiKey;
        settings["Reminders:Defaults:SendWindow:Start"] = "00:00";
        settings["Reminders:Defaults:SendWindow:End"] = "00:00";
        settings["Operators:ApiKeys:0:Name"] = "chain-it";
        settings["Operators:ApiKeys:0:Key"] = OperatorKey;
        // The tests drive the dispatcher themselves; the background one only idles.
        settings["Reminders:DispatchInterval"] = "01:00:00";
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureServices(IServiceCollection services) => Saves.AttachTo<SchedulingDbContext>(services);
}
