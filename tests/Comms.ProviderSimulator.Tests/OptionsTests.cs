using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task Simulator_with_a_malformed_callback_url_refuses_to_start_naming_the_setting()
    {
        await using var simulator = new SimulatorFactory("not a url");

        var error = Assert.Throws<OptionsValidationException>(() => simulator.CreateClient());

        Assert.Contains("Simulator:SmsRu:CallbackUrl", error.Message, StringComparison.Ordinal);
    }
}
