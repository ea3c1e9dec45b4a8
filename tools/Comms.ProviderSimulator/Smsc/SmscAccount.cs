using System.Globalization;
using Comms.ProviderSimulator.Billing;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>The simulated SMSC.ru account: credentials, balance, message ids and the callbacks' secret. Thread-safe.</summary>
public sealed class SmscAccount(IOptions<SimulatorOptions> options)
{
    /// <summary>Roubles per segment, about SMSC's price for a Russian mobile number.</summary>
    public const decimal PricePerSegment = 3m;

    private readonly AccountBalance _balance = new(options.Value.Smsc.Balance);
    private long _lastId = 1000;
    private string? _lastPassword;

    public decimal Balance => _balance.Current;

    /// <summary>The account's money, for top-ups and resets.</summary>
    public AccountBalance Money => _balance;

    public bool TryCharge(decimal amount) => _balance.TryCharge(amount);

    public void ResetBalance() => _balance.Reset();

    /// <summary>Checks login and psw; with no credentials configured, any non-empty pair is accepted.</summary>
    public bool Authenticates(string? login, string? password)
    {
        var settings = options.Value.Smsc;
        var valid = !string.IsNullOrEmpty(login) && !string.IsNullOrEmpty(password)
            && (string.IsNullOrEmpty(settings.Login) || login == settings.Login)
            && (string.IsNullOrEmpty(settings.Password) || password == settings.Password);
        if (valid)
        {
            Volatile.Write(ref _lastPassword, password);
        }

        return valid;
    }

    /// <summary>
    /// The password the callbacks' sha1 is computed with: the configured one, or, with none configured, the last one
    /// a request authenticated with (which is what the gateway would have configured as its secret).
    /// </summary>
    public string SigningPassword =>
        options.Value.Smsc.Password is { Length: > 0 } configured ? configured : Volatile.Read(ref _lastPassword) ?? "";

    /// <summary>SMSC's own message numbers, for sends without a client id; never reused.</summary>
    public string NextId() => Interlocked.Increment(ref _lastId).ToString(CultureInfo.InvariantCulture);

    public static decimal PriceOf(int segments) => segments * PricePerSegment;

    /// <summary>Roubles as SMSC writes them in JSON: a string, no trailing zeros ("3", "286.55").</summary>
    public static string Format(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}
