using Comms.ProviderSimulator.Phones;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator;

/// <summary>Refuses to start with a setting that would make the simulator misbehave later, naming the setting.</summary>
public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var failures = new List<string>();
        var smsRu = options.SmsRu;
        var smsc = options.Smsc;
        var smsAero = options.SmsAero;

        CheckAccount(failures, "SmsRu", smsRu.CallbackUrl, smsRu.ReceiptDelayMs, smsRu.VirtualNumber, smsRu.Balance);
        CheckAccount(failures, "Smsc", smsc.CallbackUrl, smsc.ReceiptDelayMs, smsc.VirtualNumber, smsc.Balance);
        CheckAccount(failures, "SmsAero", smsAero.CallbackUrl, smsAero.ReceiptDelayMs, smsAero.VirtualNumber, smsAero.Balance);

        // Replies are routed to a provider's callback by the number they are addressed to, so two providers sharing a
        // virtual number would make a reply's destination depend on guesswork.
        var numbers = new[] { ("SmsRu", smsRu.VirtualNumber), ("Smsc", smsc.VirtualNumber), ("SmsAero", smsAero.VirtualNumber) }
            .Select(n => (n.Item1, Digits: PhoneNumber.TryNormalize(n.Item2, out var phone) ? phone.Digits : null))
            .Where(n => n.Digits is not null)
            .GroupBy(n => n.Digits)
            .Where(g => g.Count() > 1);
        foreach (var shared in numbers)
        {
            failures.Add(
                $"{string.Join(" and ", shared.Select(n => $"Simulator:{n.Item1}:VirtualNumber"))} must be distinct numbers.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAccount(
        List<string> failures, string section, string callbackUrl, int receiptDelayMs, string virtualNumber, decimal balance)
    {
        if (!string.IsNullOrWhiteSpace(callbackUrl) && !IsHttpUrl(callbackUrl))
        {
            failures.Add($"Simulator:{section}:CallbackUrl must be an absolute http(s) URL or empty.");
        }

        if (receiptDelayMs < 0)
        {
            failures.Add($"Simulator:{section}:ReceiptDelayMs must be zero or more.");
        }

        if (!PhoneNumber.TryNormalize(virtualNumber, out _))
        {
            failures.Add($"Simulator:{section}:VirtualNumber must be a phone number of 11 to 15 digits.");
        }

        if (balance < 0)
        {
            failures.Add($"Simulator:{section}:Balance must be zero or more.");
        }
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
