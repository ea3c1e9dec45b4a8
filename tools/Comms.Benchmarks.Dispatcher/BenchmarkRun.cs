using System.Globalization;
using Comms.Benchmarks.Audience;
using Comms.Benchmarks.Sms;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>
/// One run, start to end: a fresh database and virtual host, the real Scheduling process (it migrates its schema),
/// the far-future plan, the measured stream, waiting until every measured ComposeMessage arrived (or the drain
/// timeout), then the result. Exit code 0: every measured send arrived exactly once; 1: some are missing or
/// duplicated; 2: the run could not be carried out.
/// </summary>
public sealed class BenchmarkRun(BenchmarkSettings settings, InfrastructureSettings infrastructure)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var dll = settings.SchedulingDll ?? Audience.BuiltServices.Dll("services", "Comms.Scheduling", "Scheduling");
        var logPath = Path.Combine(Path.GetTempPath(), "comms-bench-dispatcher", "scheduling.log");
        var inspector = new DatabaseInspector(infrastructure.DatabaseConnectionString);
        var seeder = new SendSeeder(infrastructure.DatabaseConnectionString);

        Say($"Comms.Scheduling: {dll}");
        Say($"database {InfrastructureSettings.Database}, virtual host {InfrastructureSettings.VirtualHost}: recreating");
        await infrastructure.RecreateDatabaseAsync(cancellationToken);
        await infrastructure.RecreateVirtualHostAsync(cancellationToken);

        ServiceProcess? service = null;
        try
        {
            service = ServiceProcess.Start("Comms.Scheduling", dll, ServiceProcess.FreePort(), ServiceEnvironment(), logPath);
            Say($"Comms.Scheduling started (log: {logPath}); waiting for /health/ready (schema migration)");
            await service.WaitReadyAsync("health/ready", TimeSpan.FromMinutes(2), cancellationToken);

            var machine = await DescribeMachineAsync(inspector, cancellationToken);
            Say($"machine: {machine}");

            Say($"seeding {settings.Background:N0} far-future sends ({settings.SendsPerAppointment} per appointment) with binary COPY");
            var pendingSeed = await seeder.SeedPendingAsync(settings.Background, settings.SendsPerAppointment, DateTimeOffset.UtcNow, cancellationToken);
            Say($"  {pendingSeed.Sends:N0} sends + {pendingSeed.Appointments:N0} appointments in {pendingSeed.Elapsed.TotalSeconds:0.0} s");
            var vacuum = await seeder.VacuumAnalyzeAsync(cancellationToken);
            Say($"  VACUUM ANALYZE in {vacuum.TotalSeconds:0.0} s");

            await using var probe = await ComposeProbe.StartAsync(infrastructure, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            // Time to commit the stream before its first send comes due (COPY runs at well over 20,000 rows/s).
            var lead = TimeSpan.FromSeconds(3 + settings.Measured / 20_000.0);
            var plan = StreamPlan.Create(settings.Measured, settings.Rate, now + lead, settings.Burst, now);
            probe.Expect(plan);
            Say($"seeding the measured stream: {plan.Count:N0} sends, the first due at +{lead.TotalSeconds:0.0} s");
            var streamSeed = await seeder.SeedStreamAsync(plan.Ids, plan.Due, now, cancellationToken);
            if (DateTimeOffset.UtcNow > plan.FirstDue)
            {
                Say($"  WARNING: the stream committed {(DateTimeOffset.UtcNow - plan.FirstDue).TotalSeconds:0.0} s after its first send came due; early lags are inflated");
            }

            var activityBefore = await inspector.TableActivityAsync(cancellationToken);
            await DelayUntilAsync(plan.FirstDue, cancellationToken);
            var cpuStart = CpuSnapshot.Supported ? CpuSnapshot.Take() : null;
            Say("measuring");

            var plans = new List<QueryPlan>();
            var explainAt = plan.FirstDue + (plan.LastDue - plan.FirstDue) / 2;
            var deadline = plan.LastDue + settings.DrainTimeout;
            var nextProgress = plan.FirstDue + ProgressEvery;
            DateTimeOffset? measuredUntil = null;
            while (DateTimeOffset.UtcNow < deadline)
            {
                service.ThrowIfExited();
                var at = DateTimeOffset.UtcNow;
                if (plans.Count == 0 && at >= explainAt)
                {
                    plans.Add(await inspector.ExplainDueQueryAsync(settings.BatchSize, cancellationToken));
                    plans.Add(await inspector.ExplainAppointmentLookupAsync(settings.BatchSize, plan.Count, cancellationToken));
                }

                if (at >= nextProgress)
                {
                    Say($"  +{(at - plan.FirstDue).TotalSeconds,4:0} s  due {plan.DueBy(at),9:N0}  received {probe.MeasuredReceived,9:N0}");
                    nextProgress += ProgressEvery;
                }

                if (probe.MeasuredReceived >= plan.Count && at >= plan.LastDue)
                {
                    measuredUntil = at;
                    break;
                }

                await Task.Delay(100, cancellationToken);
            }

            var cpu = cpuStart is null ? null : CpuSnapshot.Take().Since(cpuStart, service.Id);
            List<Arrival> arrivals;
            if (measuredUntil is null)
            {
                // What has not arrived by the deadline is missing, even if it turns up a moment later.
                arrivals = probe.Snapshot();
                Say($"drain timeout: {settings.DrainTimeout.TotalSeconds:0} s after the last send came due, some sends have not arrived");
            }
            else
            {
                // Every send arrived: give late duplicates a moment to show up.
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                arrivals = probe.Snapshot();
            }

            if (plans.Count == 0)
            {
                plans.Add(await inspector.ExplainDueQueryAsync(settings.BatchSize, cancellationToken));
                plans.Add(await inspector.ExplainAppointmentLookupAsync(settings.BatchSize, plan.Count, cancellationToken));
            }

            // PostgreSQL's table statistics catch up within a second or so.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            Say($"received {arrivals.Count:N0} messages; reading the outcome from the database");

            var activityAfter = await inspector.TableActivityAsync(cancellationToken);
            var outcome = StreamOutcome.Analyze(plan, arrivals, await inspector.StreamSendsAsync(cancellationToken), settings.BatchSize, slices: 6);
            var result = new BenchmarkResult
            {
                Settings = settings,
                Machine = machine,
                PendingSeed = pendingSeed,
                Vacuum = vacuum,
                StreamSeed = streamSeed,
                Outcome = outcome,
                Background = await inspector.StatusCountsAsync(SendSeeder.PendingClinic, cancellationToken),
                Cpu = cpu,
                Activity = activityAfter.Where(kv => activityBefore.ContainsKey(kv.Key))
                    .ToDictionary(kv => kv.Key, kv => kv.Value.Since(activityBefore[kv.Key])),
                Plans = plans,
            };

            Console.WriteLine();
            Console.WriteLine(result.ToMarkdown());
            Console.WriteLine(result.PlansText());
            Console.WriteLine();
            if (cpu is { Others: > 0.2 })
            {
                Say($"WARNING: other processes used {cpu.Others:0.00} cores while measuring: the numbers are disturbed, run again on a quiet machine");
            }

            if (probe.Unreadable > 0)
            {
                Say($"{probe.Unreadable:N0} messages on the probe had no message.messageId");
            }

            if (!outcome.Complete)
            {
                foreach (var id in outcome.Missing.Take(20))
                {
                    Say($"missing: {id}");
                }

                foreach (var (id, copies) in outcome.Duplicated.Take(20))
                {
                    Say($"duplicated: {id} ({copies} copies)");
                }

                Say($"FAILED: {outcome.Missing.Count:N0} measured sends missing, {outcome.Duplicated.Count:N0} duplicated");
                return 1;
            }

            Say($"OK: all {outcome.Measured:N0} measured sends arrived exactly once");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"benchmark: {ex.Message}");
            if (service is not null && !ex.Message.Contains("--- Comms.Scheduling", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync(service.Tail());
            }

            return 2;
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }

            if (!settings.Keep)
            {
                await infrastructure.DropDatabaseAsync(CancellationToken.None);
                await infrastructure.DeleteVirtualHostAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The service's whole configuration: connections, the dispatcher's knobs, a send window open all day.</summary>
    private Dictionary<string, string> ServiceEnvironment()
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
            ["Reminders__DispatchInterval"] = settings.Interval.ToString("c", Invariant),
            ["Reminders__DispatchBatchSize"] = settings.BatchSize.ToString(Invariant),
            ["Reminders__Defaults__SendWindow__Start"] = "00:00",
            ["Reminders__Defaults__SendWindow__End"] = "00:00",
        };
        foreach (var (key, value) in settings.ServiceSettings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private async Task<string> DescribeMachineAsync(DatabaseInspector inspector, CancellationToken cancellationToken)
    {
        var memory = MemoryGiB();
        return $"{Environment.ProcessorCount} cores, {memory} GiB; PostgreSQL {await inspector.ServerVersionAsync(cancellationToken)}; " +
            $"RabbitMQ {await infrastructure.RabbitVersionAsync(cancellationToken)}; .NET {Environment.Version}";
    }

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var bytes = line is null
            ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Invariant) * 1024;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", Invariant);
    }

    private static async Task DelayUntilAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var wait = instant - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
