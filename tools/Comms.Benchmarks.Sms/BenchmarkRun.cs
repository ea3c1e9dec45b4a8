using System.Globalization;
using System.Security.Cryptography;
using Comms.Benchmarks.Audience;

namespace Comms.Benchmarks.Sms;

/// <summary>
/// One run, start to end: a fresh database and virtual host, the raw RabbitMQ baseline, the provider simulator and
/// the real Gateway.Sms (it migrates its schema), consent for all but a few recipients, then every SendSms published
/// and followed until none is left queued; then the result. Exit code 0: every consented SMS accepted and at the
/// simulator exactly once, every unconsented one blocked and never there; 1: not so (or the timeout ran out);
/// 2: the run could not be carried out.
/// </summary>
public sealed class BenchmarkRun(BenchmarkSettings settings, InfrastructureSettings infrastructure)
{
    /// <summary>The gateway's queue for SendSms: its service prefix and the consumer's kebab-case name.</summary>
    public const string SendSmsQueue = "gateway-sms-send-sms";

    private const string ApiId = "bench-api-id";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var gatewayDll = settings.GatewayDll ?? Audience.BuiltServices.Dll("services", "Comms.Gateway.Sms", "Gateway.Sms");
        var simulatorDll = settings.SimulatorDll ?? Audience.BuiltServices.Dll("tools", "Comms.ProviderSimulator");
        var logDirectory = Path.Combine(Path.GetTempPath(), "comms-bench-sms");
        var database = new GatewayDatabase(infrastructure.DatabaseConnectionString);
        var workload = Workload.Create(settings.Messages, settings.UnconsentedPercent);

        Say($"Gateway.Sms: {gatewayDll}");
        Say($"simulator:   {simulatorDll}");
        Say($"database {InfrastructureSettings.Database}, virtual host {InfrastructureSettings.VirtualHost}: recreating");
        await infrastructure.RecreateDatabaseAsync(cancellationToken);
        await infrastructure.RecreateVirtualHostAsync(cancellationToken);

        ServiceProcess? simulator = null;
        ServiceProcess? gateway = null;
        BenchmarkBus? bus = null;
        try
        {
            bus = await BenchmarkBus.StartAsync(infrastructure, cancellationToken);

            BaselineResult? baseline = null;
            if (!settings.NoBaseline)
            {
                var samples = await bus.CaptureEnvelopesAsync(infrastructure, [workload.Messages[0], workload.Messages[Math.Min(2, workload.Count - 1)]], cancellationToken);
                // Bodies in the run's mix: the two-segment confirmation request every third message, as in the workload.
                var bodies = workload.Messages.Select(m => m.TemplateKey == workload.Messages[0].TemplateKey ? samples[0] : samples[1]).ToList();
                Say($"raw RabbitMQ baseline: {bodies.Count:N0} messages of {bodies.Average(b => b.Length):N0} bytes (real SendSms envelopes), confirms + manual acks");
                baseline = await RabbitBaseline.RunAsync(infrastructure, bodies, settings.PublishParallelism, (ushort)settings.MaxParallelSends, cancellationToken);
                Say($"  {baseline.Rate:N0} msg/s publish→consume ({baseline.Consumed.TotalSeconds:0.0} s), publishing alone {baseline.PublishRate:N0}/s");
            }

            var simulatorPort = ServiceProcess.FreePort();
            var gatewayPort = ServiceProcess.FreePort();
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            simulator = ServiceProcess.Start("Comms.ProviderSimulator", simulatorDll, simulatorPort,
                SimulatorEnvironment(gatewayPort, token), Path.Combine(logDirectory, "simulator.log"));
            gateway = ServiceProcess.Start("Comms.Gateway.Sms", gatewayDll, gatewayPort,
                GatewayEnvironment(simulatorPort, token), Path.Combine(logDirectory, "gateway.log"));
            Say($"simulator on :{simulatorPort}, Gateway.Sms on :{gatewayPort} (logs in {logDirectory}); waiting for them to be ready");
            await simulator.WaitReadyAsync("health/live", TimeSpan.FromMinutes(1), cancellationToken);
            await gateway.WaitReadyAsync("health/ready", TimeSpan.FromMinutes(2), cancellationToken);

            var machine = await DescribeMachineAsync(database, cancellationToken);
            Say($"machine: {machine}");

            var consent = await GrantConsentAsync(bus, database, workload, gateway, cancellationToken);
            Say(consent.Route == ConsentRoute.Bus
                ? $"consent: {consent.Records:N0} ConsentChanged projected in {consent.Elapsed.TotalSeconds:0.0} s"
                : $"consent: {consent.Rows:N0} rows copied in {consent.Elapsed.TotalSeconds:0.0} s");
            var prefetch = await infrastructure.ConsumerPrefetchAsync(SendSmsQueue, cancellationToken);

            Say($"measuring: publishing {workload.Count:N0} SendSms ({workload.Unconsented:N0} without consent)");
            var cpuStart = CpuSnapshot.TakeIfSupported();
            var publishing = bus.PublishSendsAsync(workload, settings.PublishParallelism, cancellationToken);
            var started = DateTimeOffset.UtcNow;
            var deadline = started + settings.Timeout;
            var nextProgress = started + ProgressEvery;
            var finished = false;
            Progress progress;
            while (true)
            {
                gateway.ThrowIfExited();
                simulator.ThrowIfExited();
                if (publishing.IsFaulted)
                {
                    await publishing;
                }

                progress = await database.ProgressAsync(cancellationToken);
                var now = DateTimeOffset.UtcNow;
                if (now >= nextProgress)
                {
                    Say($"  +{(now - started).TotalSeconds,4:0} s  at the gateway {progress.Total,9:N0}  accepted {progress.Accepted,9:N0}  " +
                        $"blocked {progress.Blocked,7:N0}  queued {progress.Queued,7:N0}  delivered {progress.Delivered,9:N0}");
                    nextProgress += ProgressEvery;
                }

                if (progress.Total >= workload.Count && progress.Queued == 0)
                {
                    finished = true;
                    break;
                }

                if (now >= deadline)
                {
                    Say($"timeout: {settings.Timeout.TotalSeconds:0} s after the first publish, {workload.Count - progress.Total + progress.Queued:N0} messages are not through");
                    break;
                }

                await Task.Delay(200, cancellationToken);
            }

            var cpu = cpuStart is null ? null : CpuSnapshot.Take().Since(cpuStart, gateway.Id, simulator.Id);
            var outbox = new OutboxActivity(await database.StatusChangesToldAsync(cancellationToken) * 2, await database.OutboxBacklogAsync(cancellationToken), cpu?.Wall ?? DateTimeOffset.UtcNow - started);
            var published = await publishing;

            var receiptsIn = finished ? await WaitForReceiptsAsync(database, progress, workload, cancellationToken) : null;
            Say("reading the outcome from the gateway's database and the simulator");
            var inspector = new SimulatorInspector(simulator.Http);
            var outcome = SmsOutcome.Analyze(
                workload,
                published,
                await database.MessagesAsync(cancellationToken),
                await database.AttemptsAsync(cancellationToken),
                await inspector.InboxAsync(cancellationToken),
                await inspector.RequestsAsync(cancellationToken));

            var result = new BenchmarkResult
            {
                Settings = settings,
                Machine = machine,
                Workload = workload,
                Consent = consent,
                Published = published,
                Outcome = outcome,
                Cpu = cpu,
                Outbox = outbox,
                ReceiptsIn = receiptsIn,
                ConsumerPrefetch = prefetch,
                Baseline = baseline,
            };

            Console.WriteLine();
            Console.WriteLine(result.ToMarkdown());
            Console.WriteLine(result.Headline());
            Console.WriteLine();
            if (cpu is { Others: > 0.2 })
            {
                Say($"WARNING: other processes used {cpu.Others:0.00} cores while measuring: the numbers are disturbed, run again on a quiet machine");
            }

            if (!finished || !outcome.Exact)
            {
                foreach (var problem in outcome.Problems)
                {
                    Say($"problem: {problem}");
                }

                Say(finished ? "FAILED: the run was not exact" : "FAILED: not every message got through in time");
                return 1;
            }

            Say($"OK: {outcome.Accepted:N0} consented SMS accepted and at the simulator exactly once, {outcome.Blocked:N0} unconsented blocked and never sent");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"benchmark: {ex.Message}");
            foreach (var service in new[] { gateway, simulator })
            {
                if (service is not null && !ex.Message.Contains($"--- {service.Name}", StringComparison.Ordinal))
                {
                    await Console.Error.WriteLineAsync(service.Tail());
                }
            }

            return 2;
        }
        finally
        {
            if (bus is not null)
            {
                await bus.DisposeAsync();
            }

            foreach (var service in new[] { gateway, simulator })
            {
                if (service is not null)
                {
                    await service.DisposeAsync();
                }
            }

            if (!settings.Keep)
            {
                await infrastructure.DropDatabaseAsync(CancellationToken.None);
                await infrastructure.DeleteVirtualHostAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Every recipient but the unconsented share gets sms/service consent; some of those get it revoked.</summary>
    private async Task<ConsentSetup> GrantConsentAsync(
        BenchmarkBus bus, GatewayDatabase database, Workload workload, ServiceProcess gateway, CancellationToken cancellationToken)
    {
        var granted = workload.Consented;
        var rows = workload.Messages.Count(m => m.Consent != ConsentKind.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (settings.ConsentVia == ConsentRoute.Database)
        {
            var copied = await database.CopyConsentAsync(workload, cancellationToken);
            return new ConsentSetup(ConsentRoute.Database, copied, copied, clock.Elapsed);
        }

        Say($"consent: publishing ConsentChanged grants for {rows:N0} numbers");
        var grants = await bus.PublishConsentAsync(workload, revocations: false, settings.PublishParallelism, cancellationToken);
        await WaitForProjectionAsync(database, gateway, rows, rows, cancellationToken);
        Say($"consent: {grants.Count:N0} grants projected in {clock.Elapsed.TotalSeconds:0.0} s; publishing {rows - granted:N0} revocations");
        var revocations = await bus.PublishConsentAsync(workload, revocations: true, settings.PublishParallelism, cancellationToken);
        var projected = await WaitForProjectionAsync(database, gateway, rows, granted, cancellationToken);
        return new ConsentSetup(ConsentRoute.Bus, grants.Count + revocations.Count, projected, clock.Elapsed);
    }

    /// <summary>Waits until the projection holds <paramref name="rows"/> rows of which <paramref name="granted"/> are granted.</summary>
    private static async Task<long> WaitForProjectionAsync(
        GatewayDatabase database, ServiceProcess gateway, int rows, int granted, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (true)
        {
            gateway.ThrowIfExited();
            var (grantedRows, allRows) = await database.ConsentCountsAsync(cancellationToken);
            if (allRows >= rows && grantedRows == granted)
            {
                return allRows;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the consent projection holds {allRows:N0} of {rows:N0} rows ({grantedRows:N0} granted, {granted:N0} expected) after 15 minutes");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Waits for the simulator's receipts to come back through the webhook; how long after the last acceptance.</summary>
    private async Task<TimeSpan?> WaitForReceiptsAsync(GatewayDatabase database, Progress progress, Workload workload, CancellationToken cancellationToken)
    {
        var allAcceptedAt = DateTimeOffset.UtcNow;
        // The receipt delay, then the simulator's callback retries (1, 2, 5 s) and some slack.
        var deadline = allAcceptedAt + TimeSpan.FromMilliseconds(settings.ReceiptDelayMs) + TimeSpan.FromSeconds(30);
        while (progress.Delivered < workload.Consented && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
            progress = await database.ProgressAsync(cancellationToken);
        }

        return progress.Delivered >= workload.Consented ? DateTimeOffset.UtcNow - allAcceptedAt : null;
    }

    private Dictionary<string, string> SimulatorEnvironment(int gatewayPort, string token) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Simulator__SmsRu__ApiId"] = ApiId,
        ["Simulator__SmsRu__CallbackUrl"] = $"http://127.0.0.1:{gatewayPort.ToString(Invariant)}/webhooks/sms/smsru?token={token}",
        ["Simulator__SmsRu__ReceiptDelayMs"] = settings.ReceiptDelayMs.ToString(Invariant),
        ["Simulator__SmsRu__Balance"] = "100000000",
        // The simulator stands in for a remote provider: its per-SMS log lines are not the gateway's cost.
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>The gateway's whole configuration, as a deployment would give it: one SMS.ru account, the default route.</summary>
    private Dictionary<string, string> GatewayEnvironment(int simulatorPort, string token)
    {
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // The services refuse a development password in Production: the local servers' defaults run as Testing.
            ["ASPNETCORE_ENVIRONMENT"] = infrastructure.ServiceEnvironment,
            ["DOTNET_ENVIRONMENT"] = infrastructure.ServiceEnvironment,
            ["ConnectionStrings__Database"] = infrastructure.DatabaseConnectionString,
            ["RabbitMq__Host"] = infrastructure.RabbitHost,
            ["RabbitMq__Port"] = infrastructure.RabbitPort.ToString(Invariant),
            ["RabbitMq__Username"] = infrastructure.RabbitUser,
            ["RabbitMq__Password"] = infrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = InfrastructureSettings.VirtualHost,
            ["Sms__Accounts__smsru__Provider"] = "smsru",
            ["Sms__Accounts__smsru__BaseUrl"] = $"http://127.0.0.1:{simulatorPort.ToString(Invariant)}/smsru",
            ["Sms__Accounts__smsru__ApiId"] = ApiId,
            ["Sms__Accounts__smsru__CallbackToken"] = token,
            ["Sms__Accounts__smsru__Sender"] = "CLINIC",
            ["Sms__Accounts__smsru__PricePerSegment"] = "3.5",
            ["Sms__Accounts__smsru__RatePerSecond"] = settings.RatePerSecond.ToString(Invariant),
            ["Sms__Routing__Default__Accounts__0"] = "smsru",
            ["Sms__MaxParallelSends"] = settings.MaxParallelSends.ToString(Invariant),
        };
        foreach (var (key, value) in settings.GatewaySettings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private async Task<string> DescribeMachineAsync(GatewayDatabase database, CancellationToken cancellationToken) =>
        $"{Environment.ProcessorCount} cores, {MemoryGiB()} GiB; PostgreSQL {await database.ServerVersionAsync(cancellationToken)}; " +
        $"RabbitMQ {await infrastructure.RabbitVersionAsync(cancellationToken)}; .NET {Environment.Version}";

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var bytes = line is null
            ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Invariant) * 1024;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", Invariant);
    }

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
