using Comms.Gateway.Sms.Features.Routing;
using Comms.Gateway.Sms.Providers;
using Comms.Gateway.Sms.Providers.SmsAero;
using Comms.Gateway.Sms.Providers.Smsc;
using Comms.Gateway.Sms.Providers.SmsRu;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The gateway refuses to start with accounts or routes that could not send, and names the setting.</summary>
public sealed class SmsOptionsValidationTests
{
    private static readonly SmsOptionsValidator Validator = new(
        [new SmsRuProviderFactory(), new SmscProviderFactory(), new SmsAeroProviderFactory()]);

    [Fact]
    public void A_working_configuration_passes()
    {
        var options = Options(("main", new SmsAccountOptions { Provider = "smsru", BaseUrl = "https://sms.ru", ApiId = "id", CallbackToken = "a-long-enough-token" }));
        options.Routing.Default.Accounts = ["main"];

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_problem_is_named_by_its_setting()
    {
        var options = Options(
            ("odd", new SmsAccountOptions { Provider = "carrier-pigeon", BaseUrl = "https://example.org", CallbackToken = "a-long-enough-token" }),
            ("smsc", new SmsAccountOptions { Provider = "smsc", BaseUrl = "https://smsc.ru", CallbackToken = "a-long-enough-token" }),
            ("short", new SmsAccountOptions { Provider = "smsru", BaseUrl = "https://sms.ru", ApiId = "id", CallbackToken = "short" }));
        options.Routing.Default.Accounts = ["smsc", "nowhere"];
        options.Routing.Clinics["spb-2"] = new SmsRouteOptions { Accounts = ["gone"], Sender = "FAR-TOO-LONG-SENDER" };

        var failures = Validator.Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Sms:Accounts:odd:Provider 'carrier-pigeon'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Sms:Accounts:smsc:Login", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sms:Accounts:short:CallbackToken", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Sms:Routing:Default:Accounts names 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Sms:Routing:Clinics:spb-2:Accounts names 'gone'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Sms:Routing:Clinics:spb-2:Sender", StringComparison.Ordinal));
    }

    [Fact]
    public void A_call_timeout_not_shorter_than_the_in_flight_grace_is_refused()
    {
        var options = Options(("main", new SmsAccountOptions
        {
            Provider = "smsru", BaseUrl = "https://sms.ru", ApiId = "id", CallbackToken = "a-long-enough-token", Timeout = TimeSpan.FromMinutes(1),
        }));
        options.Routing.Default.Accounts = ["main"];
        options.Resolution.InFlightGrace = TimeSpan.FromSeconds(30);

        var failure = Assert.Single(Validator.Validate(null, options).Failures!);

        Assert.StartsWith("Sms:Resolution:InFlightGrace (00:00:30) must be longer than Sms:Accounts:main:Timeout (00:01:00)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void No_account_at_all_is_refused()
    {
        var failures = Validator.Validate(null, new SmsOptions()).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Sms:Accounts is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sms:Routing:Default:Accounts is empty", StringComparison.Ordinal));
    }

    private static SmsOptions Options(params (string Name, SmsAccountOptions Account)[] accounts)
    {
        var options = new SmsOptions();
        foreach (var (name, account) in accounts)
        {
            options.Accounts[name] = account;
        }

        return options;
    }
}
