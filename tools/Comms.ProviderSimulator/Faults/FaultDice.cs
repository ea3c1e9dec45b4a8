using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Faults;

/// <summary>
/// Decides whether a fault with an errorRate hits a send. Seeded from Simulator:FaultSeed when set, so that a test
/// can count on the same sequence every run. Thread-safe.
/// </summary>
public sealed class FaultDice(IOptions<SimulatorOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Random _random = options.Value.FaultSeed is { } seed ? new Random(seed) : new Random();

    /// <summary>True with the given probability (0..1).</summary>
    public bool Hits(double probability)
    {
        lock (_gate)
        {
            return _random.NextDouble() < probability;
        }
    }
}
