using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Simulator_with_a_malformed_callback_url_refuses_to_start_naming_the_setting()
    {
        var error = StartupFailure(("Simulator:SmsRu:CallbackUrl", "not a url"));

        Assert.Contains("Simulator:SmsRu:CallbackUrl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Simulator:Smsc:CallbackUrl", "ftp://gateway")]
    [InlineData("Simulator:Smsc:VirtualNumber", "123")]
    [InlineData("Simulator:SmsAero:ReceiptDelayMs", "-1")]
    [InlineData("Simulator:SmsAero:Balance", "-5")]
    public void Simulator_with_a_bad_provider_setting_refuses_to_start_naming_it(string key, string value)
    {
        var error = StartupFailure((key, value));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulator_with_two_providers_on_one_virtual_number_refuses_to_start_naming_both()
    {
        var error = StartupFailure(("Simulator:SmsAero:VirtualNumber", "+7 900 000-00-00"));

        Assert.Contains("Simulator:SmsRu:VirtualNumber and Simulator:SmsAero:VirtualNumber", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts the simulator with the settings and returns why it refused. WebApplicationFactory races a host that stops
    /// during start: now and then it looks at the stopped host's services and throws ObjectDisposedException instead of
    /// the host's own error, so that case is started again.
    /// </summary>
    private static OptionsValidationException StartupFailure(params (string Key, string? Value)[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var simulator = new SimulatorFactory(settings: settings);
            try
            {
                simulator.CreateClient();
                Assert.Fail("The simulator started.");
            }
            catch (OptionsValidationException error)
            {
                return error;
            }
            catch (Exception error) when (attempt < 5 && IsDisposedRace(error))
            {
            }
        }
    }

    private static bool IsDisposedRace(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is ObjectDisposedException)
            {
                return true;
            }
        }

        return false;
    }
}
