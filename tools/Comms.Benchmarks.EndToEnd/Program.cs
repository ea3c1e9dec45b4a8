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
var timeout = new Option<int>("--timeout") { Description = "Seconds the run may take after the first booking.", DefaultValueFactory = _ => 600 };
var root = new RootCommand(
    "Measures a reminder end to end with every real process: consents and bookings on mis.events as a non-.NET MIS publishes them, " +
    "through Scheduling → Templating → Gateway.Sms → the provider simulator → receipts → message.status_changed on comms.events; " +
    "beside the raw broker's rate in the same run. Exits 1 on any lost, doubled or unexpected message.")
{
    patients, timeout,
};
root.SetAction(async (result, cancellationToken) => await EndToEnd.RunAsync(result.GetValue(patients), TimeSpan.FromSeconds(result.GetValue(timeout)), cancellationToken));
return await root.Parse(args).InvokeAsync();

internal static class EndToEnd
{
    private const string Clinic = "bench-e2e";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
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
        Dictionary<string, string> Common(string service) => new()
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
        };

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
            sms["Sms__Accounts__smsru__Provider"] = "smsru";
            sms["Sms__Accounts__smsru__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/smsru";
            sms["Sms__Accounts__smsru__ApiId"] = apiId;
            sms["Sms__Accounts__smsru__CallbackToken"] = token;
            sms["Sms__Accounts__smsru__Sender"] = "CLINIC";
            sms["Sms__Accounts__smsru__PricePerSegment"] = "3.5";
            sms["Sms__Routing__Default__Accounts__0"] = "smsru";
            processes.Add(ServiceProcess.Start("gateway-sms", BuiltServices.Dll("services", "Comms.Gateway.Sms", "Gateway.Sms"), ports["sms"], sms, Path.Combine(work, "gateway-sms.log")));
            processes.Add(ServiceProcess.Start("consent", BuiltServices.Dll("services", "Comms.Consent", "Consent"), ports["consent"], Common("consent"), Path.Combine(work, "consent.log")));
            processes.Add(ServiceProcess.Start("templating", BuiltServices.Dll("services", "Comms.Templating", "Templating"), ports["templating"], Common("templating"), Path.Combine(work, "templating.log")));
            var scheduling = Common("scheduling");
            scheduling["Reminders__Defaults__SendWindow__Start"] = "00:00";
            scheduling["Reminders__Defaults__SendWindow__End"] = "00:00";
            processes.Add(ServiceProcess.Start("scheduling", BuiltServices.Dll("services", "Comms.Scheduling", "Scheduling"), ports["scheduling"], scheduling, Path.Combine(work, "scheduling.log")));
            foreach (var process in processes)
            {
                await process.WaitReadyAsync(process.Name == "simulator" ? "health/live" : "health/ready", TimeSpan.FromMinutes(3), cancellationToken);
            }

            return await MeasureAsync(infrastructure, processes, count, timeout, cancellationToken);
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

    private static async Task<int> MeasureAsync(InfrastructureSettings infrastructure, List<ServiceProcess> processes, int count, TimeSpan timeout, CancellationToken cancellationToken)
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
        var consented = people.Count(p => p.Consented);
        Say($"consents: {consented:N0} SMS service consents on mis.events; {count - consented:N0} patients without one");
        foreach (var batch in people.Where(p => p.Consented).Chunk(256))
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
                if ((long)(await counted.ExecuteScalarAsync(cancellationToken))! >= consented)
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

        Say($"consents at the gate in {waited.Elapsed.TotalSeconds:0.0} s; booking {count:N0} appointments 3 h ahead on mis.events");
        var statuses = new ConcurrentDictionary<string, ConcurrentQueue<(string Status, long At)>>(StringComparer.Ordinal);
        var heard = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = (await heard.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        await heard.QueueBindAsync(queue, "comms.events", "message.status_changed", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(heard);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var data = document.RootElement.GetProperty("data");
            var patient = data.GetProperty("patientId").GetString() ?? "";
            statuses.GetOrAdd(patient, _ => new()).Enqueue((data.GetProperty("status").GetString() ?? "", Stopwatch.GetTimestamp()));
            return Task.CompletedTask;
        };
        await heard.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);

        var startsAt = DateTimeOffset.UtcNow.AddHours(3).ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);
        var started = Stopwatch.GetTimestamp();
        // As an MIS with an outbox would: many in flight, each confirmed by the broker.
        foreach (var batch in people.Chunk(256))
        {
            await Task.WhenAll(batch.Select(person => PublishAsync(channel, "appointment.booked", new
            {
                appointmentId = "A-" + person.Patient, version = 1, startsAt, durationMinutes = 30,
                clinic = new { clinicId = Clinic, name = "Клиника на Ленина", timeZone = "Europe/Moscow" },
                patient = new { patientId = person.Patient, firstName = "Анна", phone = person.Phone },
            }, cancellationToken).AsTask()));
        }

        var published = Stopwatch.GetElapsedTime(started);
        Say($"published in {published.TotalSeconds:0.0} s; waiting for every consented patient's SMS delivered and every other blocked");
        bool Done() => people.All(p => statuses.TryGetValue(p.Patient, out var s) && s.Any(x => x.Status == (p.Consented ? "delivered" : "blocked")));
        while (!Done() && Stopwatch.GetElapsedTime(started) < timeout)
        {
            foreach (var process in processes)
            {
                process.ThrowIfExited();
            }

            await Task.Delay(250, cancellationToken);
        }

        var finished = Done();
        long Last(string status) => statuses.Values.SelectMany(s => s).Where(x => x.Status == status).Select(x => x.At).DefaultIfEmpty(started).Max();
        var accepted = TimeSpan.FromTicks((long)((Last("accepted") - started) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
        var delivered = TimeSpan.FromTicks((long)((Last("delivered") - started) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));

        // Exactness from the gateway's own record: one message per patient, delivered with consent, blocked without.
        var problems = new List<string>();
        await using (var gate = new NpgsqlConnection(infrastructure.ConnectionStringOf(Db("sms"))))
        {
            await gate.OpenAsync(cancellationToken);
            await using var rows = new NpgsqlCommand("SELECT \"PatientId\", count(*), string_agg(\"Status\", ',') FROM messages GROUP BY \"PatientId\"", gate);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            var seen = new Dictionary<string, (long Count, string Statuses)>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                seen[reader.IsDBNull(0) ? "" : reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
            }

            foreach (var person in people)
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

            problems.AddRange(seen.Keys.Where(k => !people.Any(p => p.Patient == k)).Select(k => $"{k}: unexpected message"));
        }

        var raw = await RawBrokerRateAsync(connection, count, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"End to end: {count:N0} bookings ({count - consented:N0} without consent); {Environment.ProcessorCount} cores");
        Console.WriteLine($"  bookings published on mis.events            {published.TotalSeconds,7:0.0} s");
        Console.WriteLine($"  first booking → last SMS accepted           {accepted.TotalSeconds,7:0.0} s   {consented / Math.Max(accepted.TotalSeconds, 0.001),8:0} reminders/s");
        Console.WriteLine($"  first booking → last delivered at the MIS   {delivered.TotalSeconds,7:0.0} s");
        Console.WriteLine($"  baseline: raw RabbitMQ publish → consume    {raw,8:0} msg/s");
        Console.WriteLine($"  {(finished ? "finished" : "NOT finished within the timeout")}; exactness: {(problems.Count == 0 ? "every patient one message, as expected" : $"{problems.Count} problem(s)")}");
        foreach (var problem in problems.Take(20))
        {
            Console.WriteLine($"    {problem}");
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
