namespace Comms.Benchmarks.Sms;

/// <summary>Finds the gateway and simulator dlls built alongside this tool (same configuration, see the project references).</summary>
public static class BuiltServices
{
    public static string Gateway() => Path.Combine(Output("services", "Gateway.Sms"), "Comms.Gateway.Sms.dll");

    public static string Simulator() => Path.Combine(Output("tools", "Comms.ProviderSimulator"), "Comms.ProviderSimulator.dll");

    private static string Output(params string[] project)
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
            throw new InvalidOperationException("Comms.sln not found above this tool: pass --gateway-dll and --simulator-dll.");
        }

        return Path.Combine([root.FullName, .. project, "bin", configuration, framework]);
    }
}
