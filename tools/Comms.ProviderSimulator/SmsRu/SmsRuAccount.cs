using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>The simulated SMS.ru account: its balance and its message ids. Thread-safe.</summary>
public sealed class SmsRuAccount(IOptions<SimulatorOptions> options)
{
    /// <summary>Roubles per segment.</summary>
    public const decimal PricePerSegment = 1.5m;

    private readonly Lock _gate = new();
    private decimal _balance = options.Value.SmsRu.Balance;
    private long _lastSmsId = 10_000_000;

    public decimal Balance
    {
        get
        {
            lock (_gate)
            {
                return WithoutTrailingZeros(_balance);
            }
        }
    }

    public bool TryCharge(decimal amount)
    {
        lock (_gate)
        {
            if (amount > _balance)
            {
                return false;
            }

            _balance -= amount;
            return true;
        }
    }

    public void ResetBalance()
    {
        lock (_gate)
        {
            _balance = options.Value.SmsRu.Balance;
        }
    }

    /// <summary>The cost of a message of this many segments.</summary>
    public static decimal PriceOf(int segments) => WithoutTrailingZeros(segments * PricePerSegment);

    /// <summary>997.0 → 997, as SMS.ru writes amounts.</summary>
    private static decimal WithoutTrailingZeros(decimal amount) => amount / 1.000000000000000000000000000000000m;

    /// <summary>Ids in SMS.ru's shape, "000000-10000001"; never reused, not even after a reset.</summary>
    public string NextSmsId() => $"000000-{Interlocked.Increment(ref _lastSmsId)}";
}
