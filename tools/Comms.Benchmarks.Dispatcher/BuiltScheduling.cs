namespace Comms.Benchmarks.Dispatcher;

/// <summary>Finds the Comms.Scheduling.dll built alongside this tool (same configuration, see the project reference).</summary>
public static class BuiltScheduling
{
    public static string DefaultPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        // bin/<Configuration>/net10.0/
        var framework = output.Name;
        var configuration = output.Parent?.Name ?? "Release";
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Comms.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Comms.sln not found above this tool: pass --scheduling-dll.");
        }

        return Path.Combine(root.FullName, "services", "Scheduling", "bin", configuration, framework, "Comms.Scheduling.dll");
    }
}
