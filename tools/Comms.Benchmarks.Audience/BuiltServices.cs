namespace Comms.Benchmarks.Audience;

/// <summary>
/// Finds a service (or tool) built alongside a benchmark, in the same configuration (see the benchmarks' project
/// references): <c>&lt;repository&gt;/&lt;folder&gt;/&lt;directory&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/&lt;assembly&gt;.dll</c>.
/// Shared by every benchmark that starts services.
/// </summary>
public static class BuiltServices
{
    public static string Dll(string folder, string assembly, string? directory = null)
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
            ? throw new InvalidOperationException($"Comms.sln not found above this tool: pass the path of {assembly}.dll.")
            : Path.Combine(root.FullName, folder, directory ?? assembly, "bin", configuration, framework, assembly + ".dll");
    }
}
