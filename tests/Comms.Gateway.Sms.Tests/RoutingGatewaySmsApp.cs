using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// The gateway with several accounts, each scenario with accounts of its own so that one test's health signals do
/// not reorder another's routes. "down" points at a port nobody listens on; every other account is the real SMS.ru
/// simulator under another name.
/// </summary>
public sealed class RoutingGatewaySmsApp : GatewaySmsApp
{
    public const string Down = "down";

    /// <summary>Another unreachable account, so the failover test does not meet the degrade test's open circuit.</summary>
    public const string AlsoDown = "down-too";

    /// <summary>Routes by clinic: (clinic, accounts in order).</summary>
    public static readonly (string Clinic, string[] Accounts)[] Routes =
    [
        ("failover-clinic", [AlsoDown, "a1"]),
        ("degrade-clinic", [Down, "d1"]),
        ("funds-clinic", ["f1", "f2"]),
        ("rate-clinic", ["r1", "r2"]),
        ("timeout-clinic", ["t1", "t2"]),
        ("flag-clinic", ["g1"]),
        ("cost-clinic", ["c1"]),
        ("direct-clinic", ["q1"]),
    ];

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        foreach (var account in Routes.SelectMany(r => r.Accounts).Distinct())
        {
            settings[$"Sms:Accounts:{account}:Provider"] = "smsru";
            settings[$"Sms:Accounts:{account}:BaseUrl"] = account is Down or AlsoDown
                ? $"http://127.0.0.1:{ServiceProcess.FreePort()}/smsru"
                : $"http://127.0.0.1:{Simulator.Port}/smsru";
            settings[$"Sms:Accounts:{account}:ApiId"] = "test-api-id";
            settings[$"Sms:Accounts:{account}:CallbackToken"] = CallbackToken + "-" + account;
            settings[$"Sms:Accounts:{account}:PricePerSegment"] = account == "c1" ? "2.75" : "3.5";
            settings[$"Sms:Accounts:{account}:Timeout"] = "00:00:02";
        }

        foreach (var (clinic, accounts) in Routes)
        {
            for (var i = 0; i < accounts.Length; i++)
            {
                settings[$"Sms:Routing:Clinics:{clinic}:Accounts:{i}"] = accounts[i];
            }
        }

        settings["Sms:Failover:ErrorWindow"] = "00:00:04";
        settings["Sms:Failover:MinimumCalls"] = "3";
        settings["Sms:Failover:AccountProblemCooldown"] = "00:01:00";
        settings["Sms:Failover:RateLimitedCooldown"] = "00:01:00";
    }
}
