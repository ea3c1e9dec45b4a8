using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Reminders:Rules:0:Offset", "-01:00:00", "Reminders:Rules:0:Offset")]
    [InlineData("Reminders:Rules:1:Channels:0", "fax", "Reminders:Rules:1:Channels")]
    [InlineData("Mis:Clinics:0:ApiKey", "short", "Mis:Clinics:0:ApiKey")]
    [InlineData("RabbitMq:Host", "", "Host")]
    public void Misconfigured_service_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Mis:Clinics:0:ClinicId", "msk-1");
            builder.UseSetting("Mis:Clinics:0:ApiKey", "a-long-enough-key");
            builder.UseSetting(key, value);
        });

        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
