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

        if (!string.IsNullOrWhiteSpace(smsRu.CallbackUrl)
            && (!Uri.TryCreate(smsRu.CallbackUrl, UriKind.Absolute, out var callback)
                || (callback.Scheme != Uri.UriSchemeHttp && callback.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("Simulator:SmsRu:CallbackUrl must be an absolute http(s) URL or empty.");
        }

        if (smsRu.ReceiptDelayMs < 0)
        {
            failures.Add("Simulator:SmsRu:ReceiptDelayMs must be zero or more.");
        }

        if (!PhoneNumber.TryNormalize(smsRu.VirtualNumber, out _))
        {
            failures.Add("Simulator:SmsRu:VirtualNumber must be a phone number of 11 to 15 digits.");
        }

        if (smsRu.Balance < 0)
        {
            failures.Add("Simulator:SmsRu:Balance must be zero or more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
