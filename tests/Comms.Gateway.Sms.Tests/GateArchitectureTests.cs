using System.Reflection;
using System.Runtime.CompilerServices;
using Comms.Delivery.Consent;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// "No send without the gate" as a rule of the code, checked on every gateway: provider adapters take the gate's
/// clearance instead of an address, and nothing outside the gate can make one.
/// </summary>
public sealed class GateArchitectureTests
{
    /// <summary>Every gateway of the repository (services/Gateway.*), found rather than listed: a new one is checked too.</summary>
    private static readonly string[] Gateways =
        [.. Directory.GetDirectories(Path.Combine(Repository.Root, "services"), "Gateway.*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    // Clients that talk to the outside world: a type holding one is a provider adapter.
    private static readonly string[] OutboundClients = ["System.Net.Http.HttpClient", "MailKit.Net.Smtp.SmtpClient", "MailKit.Net.Smtp.ISmtpClient"];

    public static TheoryData<string> GatewayNames => [.. Gateways];

    [Fact]
    public void Every_gateway_is_checked()
    {
        Assert.Equal(["Gateway.Email", "Gateway.Max", "Gateway.Sms", "Gateway.WhatsApp"], Gateways);
    }

    [Fact]
    public void Only_the_gate_can_issue_a_clearance()
    {
        var type = typeof(ConsentClearance);
        Assert.True(type.IsSealed);
        Assert.Empty(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
        Assert.All(type.GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance), c => Assert.True(c.IsAssembly, $"{c} must be internal"));
        var friends = type.Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();
        Assert.Empty(friends);
    }

    [Theory]
    [MemberData(nameof(GatewayNames))]
    public void Every_provider_adapter_sends_only_with_a_clearance(string gateway)
    {
        var assembly = Load(gateway);
        // An adapter holds an outbound client, or is an SMS provider (which holds a Refit client over its account's HttpClient).
        var adapters = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, Namespace: not "Refit.Implementation" } && (t.GetConstructors()
            .Any(c => c.GetParameters().Any(p => OutboundClients.Contains(p.ParameterType.FullName)))
            || t.GetInterfaces().Any(i => i.FullName == "Comms.Gateway.Sms.Providers.ISmsProvider"))).ToList();

        foreach (var adapter in adapters)
        {
            var sends = adapter.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("Send", StringComparison.Ordinal)).ToList();
            Assert.True(sends.Count > 0, $"{adapter} holds an outbound client but has no Send method to check");
            Assert.All(sends, m => Assert.True(m.GetParameters().Any(p => CarriesClearance(p.ParameterType)),
                $"{adapter}.{m.Name} reaches a provider without a ConsentClearance"));
        }

        // The rule really sees each gateway's adapters.
        string[] expected = gateway switch
        {
            "Gateway.Sms" => ["SmsRuClient", "SmscClient", "SmsAeroClient"],
            "Gateway.Max" => ["MaxBotClient"],
            "Gateway.WhatsApp" => ["CloudApiClient"],
            "Gateway.Email" => ["SmtpMailer"],
            _ => [],
        };
        Assert.All(expected, name => Assert.Contains(adapters, a => a.Name == name));
    }

    /// <summary>The clearance itself, or a request whose constructor demands one.</summary>
    private static bool CarriesClearance(Type type) =>
        type == typeof(ConsentClearance) ||
        type.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(ConsentClearance))) &&
        type.GetConstructors().All(c => c.GetParameters().Any(p => p.ParameterType == typeof(ConsentClearance)));

    private static Assembly Load(string gateway)
    {
        var path = Path.Combine(Repository.Root, "services", gateway, "bin", Repository.Configuration, "net10.0", $"Comms.{gateway}.dll");
        return gateway == "Gateway.Sms" ? typeof(Program).Assembly : Assembly.LoadFrom(path);
    }
}
