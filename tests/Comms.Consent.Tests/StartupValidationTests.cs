using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Comms.Consent.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Consent:ApiKeys:0:Key", "too-short", "Consent:ApiKeys:0:Key")]
    [InlineData("Consent:ApiKeys:0:Name", "", "Consent:ApiKeys:0:Name")]
    [InlineData("Consent:ApiKeys:0:Name", "has spaces", "Consent:ApiKeys:0:Name")]
    [InlineData("Consent:ApiKeys:1:Key", "a-long-enough-admin-key", "Consent:ApiKeys")]
    [InlineData("Consent:Imports:BatchSize", "0", "BatchSize")]
    public void Misconfigured_service_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        var failure = StartupFailure.Of<Program, OptionsValidationException>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Consent:ApiKeys:0:Name", "admin");
            builder.UseSetting("Consent:ApiKeys:0:Key", "a-long-enough-admin-key");
            builder.UseSetting("Consent:ApiKeys:1:Name", "mis");
            builder.UseSetting("Consent:ApiKeys:1:Key", "another-long-enough-key");
            builder.UseSetting(key, value);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
