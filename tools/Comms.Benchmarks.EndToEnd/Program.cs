using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

var patients = new Option<int>("--patients") { Description = "Patients booked 3 h ahead (5 % of them without consent, which must end blocked).", DefaultValueFactory = _ => 2_000 };
var warmup = new Option<int>("--warmup") { Description = "Patients booked first, the same way, and waited for before the measured run: the services' code paths compiled and warm, as in a system that has been running (0: measure a cold start).", DefaultValueFactory = _ => 1_000 };
var timeout = new Option<int>("--timeout") { Description = "Seconds the run may take after the first booking.", DefaultValueFactory = _ => 600 };
var set = new Option<string[]>("--set") { Description = "More configuration for every service as KEY=VALUE environment variables (repeatable), e.g. --set DOTNET_gcServer=0.", AllowMultipleArgumentsPerToken = true };
var root = new RootCommand(
    "Measures a reminder end to end with every real process: consents and bookings on mis.events as a non-.NET MIS publishes them, " +
    "through Scheduling → Templating → Gateway.Sms → the provider simulator → receipts → message.status_changed on comms.events; " +
    "beside the raw broker's rate in the same run. Exits 1 on any lost, doubled or unexpected message.")
{
    patients, warmup, timeout, set,
};
root.SetAction(async (result, cancellationToken) => await EndToEnd.RunAsync(
    result.GetValue(patients), result.GetValue(warmup), TimeSpan.FromSeconds(result.GetValue(timeout)), EndToEnd.Pairs(result.GetValue(set) ?? []), cancellationToken));
return await root.Parse(args).InvokeAsync();

internal static class EndToEnd
{
    private const string Clinic = "bench-e2e";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Dictionary<string, string> Pairs(string[] pairs) => pairs.Select(pair => pair.Split('=', 2) is [var key, var value] && key.Length > 0
            ? (key, value)
            : throw new ArgumentException($"--set expects KEY=VALUE, got '{pair}'"))
        .ToDictionary(p => p.key, p => p.value, StringComparer.Ordinal);

    public static async Task<int> RunAsync(int count, int warmup, TimeSpan timeout, Dictionary<string, string> extra, CancellationToken cancellationToken)
    {
        var infrastructure = InfrastructureSettings.FromEnvironment();
        var work = Path.Combine(Path.GetTempPath(), "comms-bench-e2e");
        var environment = infrastructure.ServiceEnvironment;
        Say($"virtual host {InfrastructureSettings.VirtualHost} and databases {InfrastructureSettings.Database}_*: recreating; environment {environment}");
        await infrastructure.RecreateVirtualHostAsync(cancellationToken);
        string[] services = ["scheduling", "templating", "consent", "sms"];
        foreach (var service in services)
        {
            await infrastructure.RecreateDatabaseAsync(cancellationToken, Db(service));
        }

        var ports = services.ToDictionary(s => s, _ => ServiceProcess.FreePort());
        var simulatorPort = ServiceProcess.FreePort();
        var token = Guid.NewGuid().ToString("N");
        const string apiId = "bench-e2e-api-id";
        Dictionary<string, string> Common(string service) => new(extra.Concat(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ConnectionStrings__Database"] = infrastructure.ConnectionStringOf(Db(service)),
            ["RabbitMq__Host"] = infrastructure.RabbitHost,
            ["RabbitMq__Port"] = infrastructure.RabbitPort.ToString(Invariant),
            ["RabbitMq__Username"] = infrastructure.RabbitUser,
            ["RabbitMq__Password"] = infrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = InfrastructureSettings.VirtualHost,
            ["Logging__LogLevel__Default"] = "Warning",
        }.Where(p => !extra.ContainsKey(p.Key))));

        var processes = new List<ServiceProcess>();
        try
        {
            processes.Add(ServiceProcess.Start("simulator", BuiltServices.Dll("tools", "Comms.ProviderSimulator"), simulatorPort, new Dictionary<string, string>
            {
                ["Simulator__SmsRu__ApiId"] = apiId,
                ["Simulator__SmsRu__CallbackUrl"] = $"http://127.0.0.1:{ports["sms"]}/webhooks/sms/smsru?token={token}",
                ["Simulator__SmsRu__ReceiptDelayMs"] = "200",
                ["Simulator__SmsRu__Balance"] = "100000000",
                ["Logging__LogLevel__Default"] = "Warning",
            }, Path.Combine(work, "simulator.log")));
            var sms = Common("sms");
            sms.TryAdd("Sms__Accounts__smsru__Provider", "smsru");
            sms.TryAdd("Sms__Accounts__smsru__BaseUrl", $"http://127.0.0.1:{simulatorPort}/smsru");
            sms.TryAdd("Sms__Accounts__smsru__ApiId", apiId);
            sms.TryAdd("Sms__Accounts__smsru__CallbackToken", token);
            sms.TryAdd("Sms__Accounts__smsru__Sender", "CLINIC");
            sms.TryAdd("Sms__Accounts__smsru__PricePerSegment", "3.5");
            sms.TryAdd("Sms__Routing__Default__Accounts__0", "smsru");
            // The provider's contract, not the gateway, sets an account's pace: the most the gateway accepts, so the
            // pipeline is measured rather than the account's limiter (30/s by default).
            sms.TryAdd("Sms__Accounts__smsru__RatePerSecond", "10000");
            sms.TryAdd("Sms__MaxParallelSends", "32");
            processes.Add(ServiceProcess.Start("gateway-sms", BuiltServices.Dll("services", "Comms.Gateway.Sms", "Gateway.Sms"), ports["sms"], sms, Path.Combine(work, "gateway-sms.log")));
            processes.Add(ServiceProcess.Start("consent", BuiltServices.Dll("services", "Comms.Consent", "Consent"), ports["consent"], Common("consent"), Path.Combine(work, "consent.log")));
            processes.Add(ServiceProcess.Start("templating", BuiltServices.Dll("services", "Comms.Templating", "Templating"), ports["templating"], Common("templating"), Path.Combine(work, "templating.log")));
            var scheduling = Common("scheduling");
            scheduling.TryAdd("Reminders__Defaults__SendWindow__Start", "00:00");
            scheduling.TryAdd("Reminders__Defaults__SendWindow__End", "00:00");
            processes.Add(ServiceProcess.Start("scheduling", BuiltServices.Dll("services", "Comms.Scheduling", "Scheduling"), ports["scheduling"], scheduling, Path.Combine(work, "scheduling.log")));
            foreach (var process in processes)
            {
                await process.WaitReadyAsync(process.Name == "simulator" ? "health/live" : "health/ready", TimeSpan.FromMinutes(3), cancellationToken);
            }

            return await MeasureAsync(infrastructure, processes, count, warmup, timeout, cancellationToken);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            foreach (var service in services)
            {
                await infrastructure.DropDatabaseAsync(CancellationToken.None, Db(service));
            }

            await infrastructure.DeleteVirtualHostAsync(CancellationToken.None);
        }
    }

    private static async Task<int> MeasureAsync(
        InfrastructureSettings infrastructure, List<ServiceProcess> processes, int count, int warmup, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = infrastructure.RabbitHost, Port = infrastructure.RabbitPort, UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword, VirtualHost = InfrastructureSettings.VirtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.ExchangeDeclareAsync("mis.events", ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync("comms.events", ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);

        var people = Enumerable.Range(0, count).Select(i => (Patient: $"P-{i:000000}", Phone: "+7916" + (1_000_000 + i).ToString(Invariant), Consented: i % 20 != 19)).ToArray();
        var warm = Enumerable.Range(0, warmup).Select(i => (Patient: $"W-{i:000000}", Phone: "+7915" + (1_000_000 + i).ToString(Invariant), Consented: i % 20 != 19)).ToArray();
        var everyone = warm.Concat(people).ToArray();
        var consented = people.Count(p => p.Consented);
        var consents = everyone.Count(p => p.Consented);
        Say($"consents: {consents:N0} SMS service consents on mis.events ({warm.Length:N0} patients of them for the warm-up); {everyone.Length - consents:N0} patients without one");
        foreach (var batch in everyone.Where(p => p.Consented).Chunk(256))
        {
            await Task.WhenAll(batch.Select(person => PublishAsync(channel, "patient.consent_changed", new
            {
                patientId = person.Patient, clinicId = Clinic, phone = person.Phone, channel = "sms", purpose = "service", granted = true,
                method = "paper_form", documentRef = "bench", capturedAt = DateTimeOffset.UtcNow,
            }, cancellationToken).AsTask()));
        }

        var waited = Stopwatch.StartNew();
        await using (var gate = new NpgsqlConnection(infrastructure.ConnectionStringOf(Db("sms"))))
        {
            await gate.OpenAsync(cancellationToken);
            while (true)
            {
                await using var counted = new NpgsqlCommand("SELECT count(*) FROM consent_projection", gate);
                if ((long)(await counted.ExecuteScalarAsync(cancellationToken))! >= consents)
                {
                    break;
                }

                if (waited.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException("the consents did not reach Gateway.Sms's gate");
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        Say($"consents at the gate in {waited.Elapsed.TotalSeconds:0.0} s");
        var statuses = new ConcurrentDictionary<string, ConcurrentQueue<(string Status, DateTimeOffset At)>>(StringComparer.Ordinal);
        var heard = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = (await heard.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        await heard.QueueBindAsync(queue, "comms.events", "message.status_changed", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(heard);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var at = DateTimeOffset.UtcNow;
            using var document = JsonDocument.Parse(delivery.Body);
            var data = document.RootElement.GetProperty("data");
            var patient = data.GetProperty("patientId").GetString() ?? "";
            statuses.GetOrAdd(patient, _ => new()).Enqueue((data.GetProperty("status").GetString() ?? "", at));
            return Task.CompletedTask;
        };
        await heard.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);

        // Idle: every process started, the consents in, nothing booked yet.
        var idle = processes.ToDictionary(p => p.Name, p => RssSampler.ResidentBytes(p.Id) ?? 0);
        var publishedAt = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);

        // As an MIS with an outbox would: many in flight, each confirmed by the broker.
        async Task BookAsync((string Patient, string Phone, bool Consented)[] who)
        {
            var startsAt = DateTimeOffset.UtcNow.AddHours(3).ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);
            foreach (var batch in who.Chunk(256))
            {
                await Task.WhenAll(batch.Select(async person =>
                {
                    publishedAt[person.Patient] = DateTimeOffset.UtcNow;
                    await PublishAsync(channel, "appointment.booked", new
                    {
                        appointmentId = "A-" + person.Patient, version = 1, startsAt, durationMinutes = 30,
                        clinic = new { clinicId = Clinic, name = "Клиника на Ленина", timeZone = "Europe/Moscow" },
                        patient = new { patientId = person.Patient, firstName = "Анна", phone = person.Phone },
                    }, cancellationToken);
                }));
            }
        }

        bool Done((string Patient, string Phone, bool Consented)[] who) =>
            who.All(p => statuses.TryGetValue(p.Patient, out var s) && s.Any(x => x.Status == (p.Consented ? "delivered" : "blocked")));
        async Task<bool> WaitAsync((string Patient, string Phone, bool Consented)[] who, long since)
        {
            while (!Done(who) && Stopwatch.GetElapsedTime(since) < timeout)
            {
                foreach (var process in processes)
                {
                    process.ThrowIfExited();
                }

                await Task.Delay(250, cancellationToken);
            }

            return Done(who);
        }

        if (warm.Length > 0)
        {
            Say($"warm-up: booking {warm.Length:N0} other patients the same way and waiting for them (not measured)");
            var warming = Stopwatch.GetTimestamp();
            await BookAsync(warm);
            if (!await WaitAsync(warm, warming))
            {
                Say("warm-up NOT finished within the timeout");
                return 1;
            }

            Say($"warm-up done in {Stopwatch.GetElapsedTime(warming).TotalSeconds:0.0} s");
        }

        Say($"booking {count:N0} appointments 3 h ahead on mis.events");
        var samplers = processes.ToDictionary(p => p.Name, p => RssSampler.Start(p.Id, TimeSpan.FromMilliseconds(100)));
        var cpuStart = CpuSnapshot.TakeIfSupported();
        var firstBooking = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await BookAsync(people);
        var published = Stopwatch.GetElapsedTime(started);
        Say($"published in {published.TotalSeconds:0.0} s; waiting for every consented patient's SMS delivered and every other blocked");
        await WaitAsync(people, started);

        var cpuEnd = CpuSnapshot.TakeIfSupported();
        var memory = new Dictionary<string, MemoryUsage>();
        foreach (var (name, sampler) in samplers)
        {
            memory[name] = await sampler.StopAsync();
        }

        var finished = Done(people);
        DateTimeOffset? Heard(string patient, string status) =>
            statuses.TryGetValue(patient, out var s) && s.Where(x => x.Status == status).Select(x => x.At).DefaultIfEmpty().Min() is var at && at != default ? at : null;
        var measured = people.Select(p => p.Patient).ToHashSet(StringComparer.Ordinal);
        DateTimeOffset LastHeard(string status) => statuses.Where(s => measured.Contains(s.Key)).SelectMany(s => s.Value)
            .Where(x => x.Status == status).Select(x => x.At).DefaultIfEmpty(firstBooking).Max();
        var accepted = LastHeard("accepted") - firstBooking;
        var delivered = LastHeard("delivered") - firstBooking;

        // Exactness from the gateway's own record: one message per patient, delivered with consent, blocked without.
        var problems = new List<string>();
        var atGateway = new Dictionary<string, (DateTimeOffset Created, DateTimeOffset? Accepted, DateTimeOffset? Delivered)>(StringComparer.Ordinal);
        await using (var gate = new NpgsqlConnection(infrastructure.ConnectionStringOf(Db("sms"))))
        {
            await gate.OpenAsync(cancellationToken);
            await using var rows = new NpgsqlCommand("""
                SELECT m."PatientId", count(*), string_agg(m."Status", ','), min(m."CreatedAt"), min(m."AcceptedAt"),
                       min(h."OccurredAt") FILTER (WHERE h."Status" = 'delivered')
                FROM messages m LEFT JOIN message_status_history h ON h."MessageId" = m."MessageId" AND h."Status" = 'delivered'
                GROUP BY m."PatientId"
                """, gate);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            var seen = new Dictionary<string, (long Count, string Statuses)>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                var patient = reader.IsDBNull(0) ? "" : reader.GetString(0);
                seen[patient] = (reader.GetInt64(1), reader.GetString(2));
                atGateway[patient] = (reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
            }

            var known = everyone.Select(p => p.Patient).ToHashSet(StringComparer.Ordinal);
            foreach (var person in everyone)
            {
                var expected = person.Consented ? "delivered" : "blocked";
                if (!seen.TryGetValue(person.Patient, out var row))
                {
                    problems.Add($"{person.Patient}: no message (lost)");
                }
                else if (row.Count != 1 || row.Statuses != expected)
                {
                    problems.Add($"{person.Patient}: {row.Count} message(s), {row.Statuses} (expected one, {expected})");
                }
            }

            problems.AddRange(seen.Keys.Where(k => !known.Contains(k)).Select(k => $"{k}: unexpected message"));
        }

        // Scheduling's record: when each booking was planned and its first message dispatched.
        var atScheduling = new Dictionary<string, (DateTimeOffset Planned, DateTimeOffset? Dispatched)>(StringComparer.Ordinal);
        await using (var scheduling = new NpgsqlConnection(infrastructure.ConnectionStringOf(Db("scheduling"))))
        {
            await scheduling.OpenAsync(cancellationToken);
            await using var rows = new NpgsqlCommand("""SELECT "AppointmentId", min("CreatedAt"), min("DispatchedAt") FROM scheduled_sends GROUP BY "AppointmentId" """, scheduling);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                atScheduling[reader.GetString(0)] = (reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
            }
        }

        var stages = new List<(string Name, LagStatistics? Lags)>();
        void Stage(string name, Func<(string Patient, bool Consented), (DateTimeOffset? From, DateTimeOffset? To)> span, bool consentedOnly = true) =>
            stages.Add((name, LagStatistics.Of(people.Where(p => !consentedOnly || p.Consented)
                .Select(p => span((p.Patient, p.Consented))).Where(x => x.From is not null && x.To is not null).Select(x => x.To!.Value - x.From!.Value))));
        (DateTimeOffset Planned, DateTimeOffset? Dispatched)? Planned(string patient) => atScheduling.TryGetValue("A-" + patient, out var x) ? x : null;
        (DateTimeOffset Created, DateTimeOffset? Accepted, DateTimeOffset? Delivered)? Gateway(string patient) => atGateway.TryGetValue(patient, out var x) ? x : null;
        DateTimeOffset? Published(string patient) => publishedAt.TryGetValue(patient, out var x) ? x : null;
        Stage("booking published → planned by Scheduling", p => (Published(p.Patient), Planned(p.Patient)?.Planned), consentedOnly: false);
        Stage("planned → dispatched (ComposeMessage)", p => (Planned(p.Patient)?.Planned, Planned(p.Patient)?.Dispatched), consentedOnly: false);
        Stage("dispatched → at Gateway.Sms (Templating)", p => (Planned(p.Patient)?.Dispatched, Gateway(p.Patient)?.Created), consentedOnly: false);
        Stage("at Gateway.Sms → accepted by the provider", p => (Gateway(p.Patient)?.Created, Gateway(p.Patient)?.Accepted));
        Stage("accepted → delivered (receipt at the gateway)", p => (Gateway(p.Patient)?.Accepted, Gateway(p.Patient)?.Delivered));
        Stage("delivered at the gateway → heard by the MIS", p => (Gateway(p.Patient)?.Delivered, Heard(p.Patient, "delivered")));
        Stage("booking published → accepted", p => (Published(p.Patient), Gateway(p.Patient)?.Accepted));
        Stage("booking published → delivered heard by the MIS", p => (Published(p.Patient), Heard(p.Patient, "delivered")));
        Stage("booking published → blocked heard by the MIS", p => (Published(p.Patient), p.Consented ? null : Heard(p.Patient, "blocked")), consentedOnly: false);
        var lastDeliveredAtGateway = atGateway.Where(x => measured.Contains(x.Key)).Select(x => x.Value.Delivered).Where(x => x is not null).DefaultIfEmpty(firstBooking).Max()!.Value;

        var raw = await RawBrokerRateAsync(connection, count, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"End to end: {count:N0} bookings ({count - consented:N0} without consent); {Environment.ProcessorCount} cores; " +
            (warm.Length > 0 ? $"after a warm-up of {warm.Length:N0}" : "cold (no warm-up)"));
        Console.WriteLine($"  bookings published on mis.events            {published.TotalSeconds,7:0.0} s");
        Console.WriteLine($"  first booking → last SMS accepted           {accepted.TotalSeconds,7:0.0} s   {consented / Math.Max(accepted.TotalSeconds, 0.001),8:0} reminders/s");
        Console.WriteLine($"  first booking → last delivered at the MIS   {delivered.TotalSeconds,7:0.0} s");
        Console.WriteLine($"  last delivered at the gateway → the MIS     {(LastHeard("delivered") - lastDeliveredAtGateway).TotalSeconds,7:0.0} s");
        Console.WriteLine($"  baseline: raw RabbitMQ publish → consume    {raw,8:0} msg/s");
        Console.WriteLine($"  {(finished ? "finished" : "NOT finished within the timeout")}; exactness: {(problems.Count == 0 ? "every patient one message, as expected" : $"{problems.Count} problem(s)")}");
        foreach (var problem in problems.Take(20))
        {
            Console.WriteLine($"    {problem}");
        }

        Console.WriteLine();
        Console.WriteLine($"  {"stage (seconds)",-50} {"n",6} {"p50",8} {"p95",8} {"p99",8} {"max",8}");
        foreach (var (name, lags) in stages)
        {
            Console.WriteLine(lags is null
                ? $"  {name,-50} {0,6}"
                : $"  {name,-50} {lags.Count,6} {lags.P50,8:0.000} {lags.P95,8:0.000} {lags.P99,8:0.000} {lags.Max,8:0.000}");
        }

        Console.WriteLine();
        var seconds = cpuStart is null || cpuEnd is null ? 0 : (cpuEnd.At - cpuStart.At).TotalSeconds;
        double Cores(Func<int, string, bool> which) => cpuStart is null || cpuEnd is null ? 0 : cpuEnd.Processes
            .Where(p => which(p.Key, p.Value.Name))
            .Sum(p => p.Value.Ticks - (cpuStart.Processes.TryGetValue(p.Key, out var before) && before.Name == p.Value.Name ? before.Ticks : 0)) / 100.0 / seconds;
        Console.WriteLine($"  {"process",-14} {"CPU (cores)",12} {"RSS idle MiB",13} {"RSS peak MiB",13}");
        foreach (var process in processes)
        {
            Console.WriteLine($"  {process.Name,-14} {Cores((pid, _) => pid == process.Id),12:0.00} {idle[process.Name] / 1048576.0,13:0} {memory[process.Name].PeakBytes / 1048576.0,13:0}");
        }

        Console.WriteLine($"  {"postgres",-14} {Cores((_, name) => name == "postgres"),12:0.00}");
        Console.WriteLine($"  {"rabbitmq",-14} {Cores((_, name) => name == "beam.smp"),12:0.00}");
        var self = Environment.ProcessId;
        Console.WriteLine($"  {"this tool",-14} {Cores((pid, _) => pid == self),12:0.00}");
        if (cpuStart is not null && cpuEnd is not null)
        {
            Console.WriteLine($"  {"machine",-14} {(cpuEnd.MachineBusyTicks - cpuStart.MachineBusyTicks) / 100.0 / seconds,12:0.00}   over {seconds:0.0} s");
        }

        return finished && problems.Count == 0 ? 0 : 1;
    }

    private static ValueTask PublishAsync(IChannel channel, string type, object data, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/bench", type, time = DateTimeOffset.UtcNow, data });
        return channel.BasicPublishAsync("mis.events", type, true,
            new BasicProperties { ContentType = "application/cloudevents+json", DeliveryMode = DeliveryModes.Persistent }, body, cancellationToken);
    }

    /// <summary>As many messages of a booking's size through a queue of their own: publish with confirms, consume with acks.</summary>
    private static async Task<double> RawBrokerRateAsync(IConnection connection, int count, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var queue = (await channel.QueueDeclareAsync("", durable: true, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        var done = new TaskCompletionSource();
        var received = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == count)
            {
                done.TrySetResult();
            }
        };
        var body = Encoding.UTF8.GetBytes(new string('x', 700));
        var started = Stopwatch.GetTimestamp();
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
        foreach (var batch in Enumerable.Range(0, count).Chunk(256))
        {
            await Task.WhenAll(batch.Select(_ => channel.BasicPublishAsync("", queue, false, new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, body, cancellationToken).AsTask()));
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static string Db(string service) => $"{InfrastructureSettings.Database}_{service}";

    private static void Say(string text) => Console.WriteLine($"e2e bench: {text}");
}
