using Comms.Testing;

namespace Comms.Scheduling.Tests;

public sealed class SchedulingApp() : ServiceApp<Program>("sched")
{
    public const string ApiKey = "test-key-msk-1";

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Mis:Clinics:0:ClinicId"] = "msk-1";
        settings["Mis:Clinics:0:ApiKey"] = ApiKey;
        settings["Reminders:SendWindow:Start"] = "00:00";
        settings["Reminders:SendWindow:End"] = "00:00";
        // The tests drive the dispatcher themselves; the background one only idles.
        settings["Reminders:DispatchInterval"] = "01:00:00";
        return ValueTask.CompletedTask;
    }
}
