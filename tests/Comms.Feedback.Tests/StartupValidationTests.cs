using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Feedback:Scale", "ten", "Feedback:Scale")]
    [InlineData("Feedback:NegativeThreshold", "5", "Feedback:NegativeThreshold")]
    [InlineData("Feedback:PublicBaseUrl", "feedback.clinic.ru", "Feedback:PublicBaseUrl")]
    [InlineData("Feedback:LinkLifetime", "00:00:00", "Feedback:LinkLifetime")]
    [InlineData("Feedback:DefaultTimeZone", "Mars/Olympus", "Feedback:DefaultTimeZone")]
    [InlineData("Feedback:Clinics:msk-1:Channels:0", "fax", "Feedback:Clinics:msk-1:Channels")]
    [InlineData("Feedback:Clinics:msk-1:ManagerEmails:0", "not-an-address", "Feedback:Clinics:msk-1:ManagerEmails:0")]
    [InlineData("Feedback:Clinics:msk-1:ReviewLinks:0:Url", "yandex.ru", "Feedback:Clinics:msk-1:ReviewLinks:0:Url")]
    [InlineData("Operators:ApiKeys:0:Key", "short", "Operators:ApiKeys:0:Key")]
    [InlineData("Feedback:Clinics:msk-1:ApiKey", "a-clinic-key-of-the-old-place", "Feedback:Clinics:msk-1:ApiKey")]
    [InlineData("Mis:Clinics:0:ApiKey", "short", "Mis:Clinics:0:ApiKey")]
    [InlineData("Feedback:Managers:0:PasswordHash", "manager-password", "Feedback:Managers:0:PasswordHash")]
    [InlineData("Feedback:Managers:0:PasswordHash", "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Feedback:Managers:0:PasswordHash")]
    public void Misconfigured_service_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Feedback:Clinics:msk-1:ReviewLinks:0:Name", "Яндекс Карты");
            builder.UseSetting("Feedback:Clinics:msk-1:ReviewLinks:0:Url", "https://yandex.ru/maps/org/1/reviews");
            builder.UseSetting(key, value);
        });

        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
