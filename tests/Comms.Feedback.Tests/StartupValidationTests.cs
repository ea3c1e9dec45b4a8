using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
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
    [InlineData("Staff:Accounts:0:PasswordHash", "manager-password", "Staff:Accounts:0:PasswordHash is not a password hash")]
    [InlineData("Staff:Accounts:0:PasswordHash", "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Staff:Accounts:0:PasswordHash is not a password hash")]
    [InlineData("Staff:Accounts:0:Password", "manager-password", "Staff:Accounts:0:Password must not be set")]
    [InlineData("Staff:Accounts:0:Roles:0", "admin", "Staff:Accounts:0:Roles: 'admin' is not a staff role")]
    [InlineData("Feedback:Managers:0:PasswordHash", "pbkdf2-sha256$600000$kFRnIvHk3dO9EyM+N3e9Ng==$CvX1Ie3kkB77efj7YQpMi5oFOMuA6ATQLw2xREYf7ic=", "Feedback:Managers is no longer read")]
    [InlineData("Staff:Lockout:LockAfter", "5", "Staff:Lockout:LockAfter")]
    [InlineData("Staff:Lockout:ForgetAfter", "00:01:00", "Staff:Lockout:ForgetAfter")]
    [InlineData("Staff:TrustedProxies:0", "the-ingress", "Staff:TrustedProxies:0")]
    [InlineData("Staff:Oidc:Authority", "https://id.clinic.example/realms/staff", "Staff:Oidc:ClientId")]
    public void Misconfigured_service_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        var failure = StartupFailure.Of<Program, OptionsValidationException>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Feedback:Clinics:msk-1:ReviewLinks:0:Name", "Яндекс Карты");
            builder.UseSetting("Feedback:Clinics:msk-1:ReviewLinks:0:Url", "https://yandex.ru/maps/org/1/reviews");
            builder.UseSetting("Staff:Accounts:0:Name", "manager");
            builder.UseSetting("Staff:Accounts:0:PasswordHash", "pbkdf2-sha256$600000$kFRnIvHk3dO9EyM+N3e9Ng==$CvX1Ie3kkB77efj7YQpMi5oFOMuA6ATQLw2xREYf7ic=");
            builder.UseSetting("Staff:Accounts:0:Roles:0", "manager");
            builder.UseSetting(key, value);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Staff:Accounts:0:PasswordHash", "manager-password", "Staff:Accounts:0:PasswordHash")]
    [InlineData("Staff:Accounts:0:Password", "manager-password", "Staff:Accounts:0:Password ")]
    [InlineData("Feedback:Managers:0:Password", "manager-password", "Feedback:Managers ")]
    public void A_password_that_is_not_a_hash_stops_the_service_with_how_to_make_the_hash(string key, string value, string named)
    {
        var failure = StartupFailure.Of<Program, OptionsValidationException>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Staff:Accounts:0:Name", "manager");
            builder.UseSetting("Staff:Accounts:0:Roles:0", "manager");
            builder.UseSetting(key, value);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project tools/Comms.StaffPassword", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("manager-password", failure.Message, StringComparison.Ordinal); // the password is not echoed
    }
}
