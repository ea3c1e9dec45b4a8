namespace Comms.Benchmarks.Audience;

/// <summary>Finds the Comms.Audience.dll built alongside this tool (same configuration, see the project reference).</summary>
public static class BuiltAudience
{
    public static string Dll()
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

        return root is null
            ? throw new InvalidOperationException("Comms.sln not found above this tool: pass --audience-dll.")
            : Path.Combine(root.FullName, "services", "Audience", "bin", configuration, framework, "Comms.Audience.dll");
    }
}
