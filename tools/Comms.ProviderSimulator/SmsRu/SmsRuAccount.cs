using Comms.ProviderSimulator.Billing;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>The simulated SMS.ru account: its balance and its message ids. Thread-safe.</summary>
public sealed class SmsRuAccount(IOptions<SimulatorOptions> options)
{
    /// <summary>Roubles per segment.</summary>
    public const decimal PricePerSegment = 1.5m;

    private readonly AccountBalance _balance = new(options.Value.SmsRu.Balance);
    private long _lastSmsId = 10_000_000;

    public decimal Balance => WithoutTrailingZeros(_balance.Current);

    /// <summary>The account's money, for top-ups and resets.</summary>
    public AccountBalance Money => _balance;

    public bool TryCharge(decimal amount) => _balance.TryCharge(amount);

    public void ResetBalance() => _balance.Reset();

    /// <summary>The cost of a message of this many segments.</summary>
    public static decimal PriceOf(int segments) => WithoutTrailingZeros(segments * PricePerSegment);

    /// <summary>997.0 → 997, as SMS.ru writes amounts.</summary>
    private static decimal WithoutTrailingZeros(decimal amount) => amount / 1.000000000000000000000000000000000m;

    /// <summary>Ids in SMS.ru's shape, "000000-10000001"; never reused, not even after a reset.</summary>
    public string NextSmsId() => $"000000-{Interlocked.Increment(ref _lastSmsId)}";
}
