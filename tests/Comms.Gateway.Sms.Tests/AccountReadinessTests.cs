using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// The gateway with two accounts on two simulated providers: <c>smsru</c> first, <c>reserve</c> (SMSC.ru) behind it,
/// so that emptying the SMS.ru account at the simulator leaves the other one sending.
/// </summary>
public sealed class TwoProviderGatewaySmsApp : GatewaySmsApp
{
    public const string Reserve = "reserve";

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings[$"Sms:Accounts:{Reserve}:Provider"] = "smsc";
        settings[$"Sms:Accounts:{Reserve}:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/smsc";
        settings[$"Sms:Accounts:{Reserve}:Login"] = "clinic-login";
        settings[$"Sms:Accounts:{Reserve}:Password"] = "smsc-test-password";
        settings[$"Sms:Accounts:{Reserve}:CallbackToken"] = "reserve-callback-token";
        settings[$"Sms:Accounts:{Reserve}:PricePerSegment"] = "2.5";
        settings["Sms:Routing:Default:Accounts:1"] = Reserve;
        // Short, so the test sees the account tried again (and still out of money) without waiting ten minutes.
        settings["Sms:Failover:AccountProblemCooldown"] = "00:00:02";
    }
}

/// <summary>An account out of money as the operator sees it: /health/ready degraded, naming the account and why.</summary>
public sealed class AccountReadinessTests(TwoProviderGatewaySmsApp app) : IClassFixture<TwoProviderGatewaySmsApp>
{
    private readonly SmsDriver _sms = new(app);

    [Fact]
    public async Task An_account_out_of_money_makes_readiness_degraded_naming_it_until_a_top_up_lets_it_send_again()
    {
        Assert.Equal(("Healthy", "Healthy"), await ReadinessAsync());
        await SimulatorAsync(HttpMethod.Put, "sim/balances/smsru", new { balance = 0 });

        var first = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "msk-1");
        Assert.Equal(TwoProviderGatewaySmsApp.Reserve, (await _sms.WaitForStatusAsync(first, "accepted")).GetProperty("provider").GetString());
        Assert.Equal(["smsru", TwoProviderGatewaySmsApp.Reserve], SmsDriver.Accounts(await _sms.AttemptsAsync(first)));

        var (status, accounts, description) = await ReadinessDetailAsync();
        Assert.Equal(("Degraded", "Degraded"), (status, accounts));
        Assert.StartsWith("smsru: out of money since ", description, StringComparison.Ordinal);
        Assert.Contains("SMS.ru 201", description, StringComparison.Ordinal);
        Assert.Contains("Не хватает средств", description, StringComparison.Ordinal);
        Assert.Contains("top up the account", description, StringComparison.Ordinal);
        Assert.DoesNotContain(TwoProviderGatewaySmsApp.Reserve, description, StringComparison.Ordinal);
        Assert.DoesNotContain("test-api-id", description, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewaySmsApp.CallbackToken, description, StringComparison.Ordinal);

        // The cooldown ends and the account is first in its route again, but nothing says it has money: still named.
        await Eventually.TrueAsync(async () =>
                (await _sms.ProvidersAsync()).GetProperty("routes")[0].GetProperty("currentOrder")[0].GetString() == "smsru",
            SmsDriver.Patience, "smsru back at the front of the route after its cooldown");
        Assert.Equal(("Degraded", "Degraded"), await ReadinessAsync());
        var account = await _sms.AccountAsync("smsru");
        Assert.False(account.GetProperty("degraded").GetBoolean());
        Assert.StartsWith("out of money since", account.GetProperty("accountProblem").GetString(), StringComparison.Ordinal);

        await SimulatorAsync(HttpMethod.Post, "sim/balances/smsru/top-up", new { amount = 100_000 });
        var next = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "msk-1");
        Assert.Equal("smsru", (await _sms.WaitForStatusAsync(next, "accepted")).GetProperty("provider").GetString());

        Assert.Equal(("Healthy", "Healthy"), await ReadinessAsync());
        Assert.Equal(JsonValueKind.Null, (await _sms.AccountAsync("smsru")).GetProperty("accountProblem").ValueKind);
    }

    private async Task<(string Status, string Accounts)> ReadinessAsync()
    {
        var (status, accounts, _) = await ReadinessDetailAsync();
        return (status, accounts);
    }

    private async Task<(string Status, string Accounts, string Description)> ReadinessDetailAsync()
    {
        using var client = app.Factory.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        // Degraded is still 200: the pod stays in service and sends through its other accounts.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(@"\u04", raw, StringComparison.Ordinal); // a provider's Russian answer stays readable
        var body = JsonDocument.Parse(raw).RootElement;
        var check = body.GetProperty("checks").GetProperty("sms-accounts");
        return (body.GetProperty("status").GetString()!, check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }

    private async Task SimulatorAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await app.Simulator.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
