using System.Net.Http.Json;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Two accounts on the simulator, receipts judged overdue after 2 s; nobody posts receipts unless the test does.</summary>
public sealed class ReceiptWatchGatewaySmsApp : GatewaySmsApp
{
    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        foreach (var account in new[] { "w1", "w2" })
        {
            settings[$"Sms:Accounts:{account}:Provider"] = "smsru";
            settings[$"Sms:Accounts:{account}:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/smsru";
            settings[$"Sms:Accounts:{account}:ApiId"] = "test-api-id";
            settings[$"Sms:Accounts:{account}:CallbackToken"] = $"{CallbackToken}-{account}";
        }

        settings["Sms:Routing:Clinics:watch-clinic:Accounts:0"] = "w1";
        settings["Sms:Routing:Clinics:watch-clinic:Accounts:1"] = "w2";
        settings["Sms:Failover:ReceiptOverdueAfter"] = "00:00:02";
        settings["Sms:Failover:MinimumReceiptSample"] = "3";
        settings["Sms:Failover:ReceiptCheckInterval"] = "00:00:00.500";
    }
}

/// <summary>A provider that takes messages but never reports them delivered is moved aside, and comes back when it does.</summary>
public sealed class ReceiptWatchTests(ReceiptWatchGatewaySmsApp app) : IClassFixture<ReceiptWatchGatewaySmsApp>
{
    private readonly SmsDriver _sms = new(app);

    [Fact]
    public async Task Messages_without_receipts_degrade_the_account_and_their_receipts_restore_it()
    {
        var quiet = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await _sms.WaitForStatusAsync(await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "watch-clinic"), "accepted");
            Assert.Equal("w1", message.GetProperty("provider").GetString());
            quiet.Add(message.GetProperty("providerMessageId").GetString()!);
        }

        await Eventually.TrueAsync(async () => (await _sms.AccountAsync("w1")).GetProperty("degraded").GetBoolean(),
            TimeSpan.FromSeconds(15), "w1 degraded for want of receipts");
        Assert.Contains("have no receipt", (await _sms.AccountAsync("w1")).GetProperty("reason").GetString(), StringComparison.Ordinal);
        var next = await _sms.WaitForStatusAsync(await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "watch-clinic"), "accepted");
        Assert.Equal("w2", next.GetProperty("provider").GetString());

        using var client = app.CreateClient();
        foreach (var smsId in quiet)
        {
            using var receipt = await client.PostAsync($"/webhooks/sms/w1?token={GatewaySmsApp.CallbackToken}-w1",
                new FormUrlEncodedContent([KeyValuePair.Create("data[0]", $"sms_status\n{smsId}\n103\n1795424400")]));
            Assert.Equal("100", await receipt.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(async () => !(await _sms.AccountAsync("w1")).GetProperty("degraded").GetBoolean(),
            TimeSpan.FromSeconds(15), "w1 healthy again once its receipts arrived");
    }

    [Fact]
    public async Task A_receipt_with_another_accounts_token_is_refused()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync($"/webhooks/sms/w1?token={GatewaySmsApp.CallbackToken}-w2",
            new FormUrlEncodedContent([KeyValuePair.Create("data[0]", "sms_status\n000000-1\n103\n1795424400")]));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
