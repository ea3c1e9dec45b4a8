namespace Comms.Benchmarks.Audience;

/// <summary>Finds the Comms.Audience.dll built alongside this tool (same configuration, see the project reference).</summary>
public static class BuiltAudience
{
    public static string Dll() => BuiltServices.Dll("services", "Comms.Audience", "Audience");
}
