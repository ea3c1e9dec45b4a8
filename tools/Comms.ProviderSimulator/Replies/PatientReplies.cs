using System.Globalization;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Comms.ProviderSimulator.SmsAero;
using Comms.ProviderSimulator.Smsc;
using Comms.ProviderSimulator.SmsRu;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Replies;

/// <summary>
/// Sends a patient's SMS to the gateway the way the provider it was sent through delivers inbound messages: to that
/// provider's configured callback, in that provider's format.
/// </summary>
public sealed class PatientReplies(
    SmsRuCallbackClient smsRu,
    SmscCallbackClient smsc,
    SmsAeroCallbackClient smsAero,
    IOptions<SimulatorOptions> options,
    TimeProvider time)
{
    private static long _lastInboundId = 500_000;

    /// <summary>Where replies through this provider go, and the setting that says so.</summary>
    public (string Url, string Setting) CallbackOf(string provider) => provider switch
    {
        ProviderNames.Smsc => (options.Value.Smsc.CallbackUrl, "Simulator:Smsc:CallbackUrl"),
        ProviderNames.SmsAero => (options.Value.SmsAero.CallbackUrl, "Simulator:SmsAero:CallbackUrl"),
        _ => (options.Value.SmsRu.CallbackUrl, "Simulator:SmsRu:CallbackUrl"),
    };

    /// <summary>What the gateway must answer for the provider to count the reply as taken.</summary>
    public static string ExpectationOf(string provider) => provider switch
    {
        ProviderNames.Smsc => "SMSC.ru expects HTTP 200.",
        ProviderNames.SmsAero => "SMS Aero expects HTTP 2xx.",
        _ => "SMS.ru expects HTTP 2xx with body '100'.",
    };

    /// <param name="to">The number replied to; null for the provider's virtual number.</param>
    public async Task<CallbackOutcome> PostAsync(
        string provider, string callbackUrl, PhoneNumber from, PhoneNumber? to, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var inboundId = Interlocked.Increment(ref _lastInboundId);
        switch (provider)
        {
            case ProviderNames.Smsc:
                return await smsc.PostReplyAsync(
                    callbackUrl,
                    inboundId.ToString(CultureInfo.InvariantCulture),
                    from,
                    to ?? VirtualNumber(options.Value.Smsc.VirtualNumber),
                    text,
                    now,
                    cancellationToken);
            case ProviderNames.SmsAero:
                return await smsAero.PostReplyAsync(
                    callbackUrl, inboundId, from, to ?? VirtualNumber(options.Value.SmsAero.VirtualNumber), text, now, cancellationToken);
            default:
                var data = SmsRuCallbackData.SmsIncome(from, to ?? VirtualNumber(options.Value.SmsRu.VirtualNumber), now, text);
                return await smsRu.PostAsync(callbackUrl, data, cancellationToken);
        }
    }

    /// <summary>The options validator has already checked it is a number.</summary>
    private static PhoneNumber VirtualNumber(string configured) =>
        PhoneNumber.TryNormalize(configured, out var phone) ? phone : throw new InvalidOperationException("Invalid virtual number.");
}
