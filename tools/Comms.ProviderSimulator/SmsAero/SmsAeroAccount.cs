using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Comms.ProviderSimulator.Billing;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>The simulated SMS Aero account: its credentials, balance and message ids. Thread-safe.</summary>
public sealed class SmsAeroAccount(IOptions<SimulatorOptions> options)
{
    /// <summary>Roubles per segment, about SMS Aero's price for a Russian mobile number with a registered sign.</summary>
    public const decimal PricePerSegment = 3.45m;

    private readonly AccountBalance _balance = new(options.Value.SmsAero.Balance);
    private long _lastId = 100_000;

    public decimal Balance => _balance.Current;

    /// <summary>The account's money, for top-ups and resets.</summary>
    public AccountBalance Money => _balance;

    public bool TryCharge(decimal amount) => _balance.TryCharge(amount);

    public void ResetBalance() => _balance.Reset();

    public long NextId() => Interlocked.Increment(ref _lastId);

    public static decimal PriceOf(int segments) => segments * PricePerSegment;

    /// <summary>Roubles as SMS Aero writes a message's cost: a string ("3.45").</summary>
    public static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// HTTP Basic with the account's e-mail and API key; with none configured, any non-empty pair is accepted.
    /// </summary>
    public bool Authenticates(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return false;
        }

        var settings = options.Value.SmsAero;
        var (email, apiKey) = (decoded[..colon], decoded[(colon + 1)..]);
        return (string.IsNullOrEmpty(settings.Email) || email == settings.Email)
            && (string.IsNullOrEmpty(settings.ApiKey) || apiKey == settings.ApiKey);
    }
}
