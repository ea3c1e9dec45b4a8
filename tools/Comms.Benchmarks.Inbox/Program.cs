using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

var conversations = new Option<int>("--conversations") { Description = "Conversations of the clinic.", DefaultValueFactory = _ => 10_000 };
var messages = new Option<int>("--messages") { Description = "Messages across them (what Comms sent and what the patients wrote).", DefaultValueFactory = _ => 200_000 };
var opens = new Option<int>("--opens") { Description = "Openings of the inbox page (and of a thread), timed one by one.", DefaultValueFactory = _ => 30 };
var samples = new Option<int>("--samples") { Description = "Patient messages timed from their PatientReplied to the open page's event.", DefaultValueFactory = _ => 100 };
var inboxDll = new Option<string?>("--inbox-dll") { Description = "The built Comms.Inbox.dll (default: the one built with this tool)." };
var root = new RootCommand(
    "Measures the Inbox with real PostgreSQL and RabbitMQ: opening the page of a clinic with 10,000 conversations and 200,000 messages, " +
    "and a patient's message reaching the open page, each beside a baseline from the same run (the HTTP floor, the query itself, the raw broker).")
{
    conversations, messages, opens, samples, inboxDll,
};
root.SetAction(async (result, cancellationToken) =>
    await Bench.RunAsync(result.GetValue(conversations), result.GetValue(messages), result.GetValue(opens), result.GetValue(samples), result.GetValue(inboxDll), cancellationToken));
return await root.Parse(args).InvokeAsync();

internal static class Bench
{
    private const string Clinic = "bench-1";
    private const string Reception = "bench-reception";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(int conversations, int messages, int opens, int samples, string? inboxDll, CancellationToken cancellationToken)
    {
        var infrastructure = InfrastructureSettings.FromEnvironment();
        var work = Path.Combine(Path.GetTempPath(), "comms-bench-inbox");
        Say($"database {InfrastructureSettings.Database}, virtual host {InfrastructureSettings.VirtualHost}: recreating");
        await infrastructure.RecreateDatabaseAsync(cancellationToken);
        await infrastructure.RecreateVirtualHostAsync(cancellationToken);
        var (password, hash) = StaffSession.Credentials();
        var environment = infrastructure.ServiceEnvironment;
        var port = ServiceProcess.FreePort();
        await using var inbox = ServiceProcess.Start("inbox", inboxDll ?? BuiltInbox(), port, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ConnectionStrings__Database"] = infrastructure.DatabaseConnectionString,
            ["RabbitMq__Host"] = infrastructure.RabbitHost,
            ["RabbitMq__Port"] = infrastructure.RabbitPort.ToString(Invariant),
            ["RabbitMq__Username"] = infrastructure.RabbitUser,
            ["RabbitMq__Password"] = infrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = InfrastructureSettings.VirtualHost,
            ["Staff__Accounts__0__Name"] = Reception,
            ["Staff__Accounts__0__PasswordHash"] = hash,
            ["Staff__Accounts__0__Roles__0"] = "reception",
            ["Logging__LogLevel__Default"] = "Warning",
        }, Path.Combine(work, "inbox.log"));
        await inbox.WaitReadyAsync("health/ready", TimeSpan.FromMinutes(3), cancellationToken);

        Say($"seeding {conversations:N0} conversations and {messages:N0} messages (binary COPY)");
        var seeded = Stopwatch.StartNew();
        var (someConversation, waiting) = await SeedAsync(infrastructure.DatabaseConnectionString, conversations, messages, cancellationToken);
        Say($"seeded in {seeded.Elapsed.TotalSeconds:0.0} s; {waiting:N0} conversations wait for an answer");

        using var desk = await StaffSession.SignInAsync(inbox.Http.BaseAddress!, "inbox/sign-in", Reception, password, cancellationToken);
        var list = await TimeAsync(opens, () => GetAsync(desk, "inbox", cancellationToken));
        var thread = await TimeAsync(opens, () => GetAsync(desk, $"inbox/{someConversation}", cancellationToken));
        var floor = await TimeAsync(opens, () => GetAsync(desk, "health/live", cancellationToken));
        var query = await TimeAsync(opens, () => ListQueryAsync(infrastructure.DatabaseConnectionString, cancellationToken));

        Say($"timing {samples} patient messages from PatientReplied to the open page's event, and the raw broker's round trip");
        var factory = new ConnectionFactory
        {
            HostName = infrastructure.RabbitHost, Port = infrastructure.RabbitPort, UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword, VirtualHost = InfrastructureSettings.VirtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var live = await LiveLatencyAsync(desk, connection, samples, cancellationToken);
        var broker = await BrokerRoundTripAsync(connection, samples, cancellationToken);
        var webhook = await WebhookLatencyAsync(infrastructure, environment, desk, connection, samples, work, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"Inbox benchmark: {conversations:N0} conversations, {messages:N0} messages; {Environment.ProcessorCount} cores; environment {environment}");
        Console.WriteLine($"  open the inbox page (GET /inbox, 200 conversations)   p50 {Ms(list.P50)}  p95 {Ms(list.P95)}  max {Ms(list.Max)}   target < 1000 ms");
        Console.WriteLine($"  open a thread (GET /inbox/{{id}}, audited)              p50 {Ms(thread.P50)}  p95 {Ms(thread.P95)}  max {Ms(thread.Max)}");
        Console.WriteLine($"    baseline: GET /health/live (the HTTP floor)           p50 {Ms(floor.P50)}  p95 {Ms(floor.P95)}");
        Console.WriteLine($"    baseline: the list's waiting query alone (SQL)        p50 {Ms(query.P50)}  p95 {Ms(query.P95)}");
        Console.WriteLine($"  a patient's message to the open page (PatientReplied → server-sent event)  p50 {Ms(live.P50)}  p95 {Ms(live.P95)}  max {Ms(live.Max)}   target < 2000 ms");
        Console.WriteLine($"  a patient's SMS to the open page (the provider's inbound webhook → server-sent event)  p50 {Ms(webhook.P50)}  p95 {Ms(webhook.P95)}  max {Ms(webhook.Max)}   target < 2000 ms");
        Console.WriteLine($"    baseline: the raw broker, publish → consume              p50 {Ms(broker.P50)}  p95 {Ms(broker.P95)}");
        await infrastructure.DropDatabaseAsync(cancellationToken);
        await infrastructure.DeleteVirtualHostAsync(cancellationToken);
        return list.P95 < 1 && live.P95 < 2 && webhook.P95 < 2 ? 0 : 1;
    }

    /// <summary>
    /// From the webhook: the provider simulator and Gateway.Sms beside the Inbox. Each sample patient first gets an SMS
    /// reminder from the clinic (no consent here, so it ends blocked — the gateway still knows whom it was for), then
    /// their reply is posted by the simulator to the gateway's SMS.ru inbound callback; timed from that POST to the page's
    /// event: the webhook, the gateway's routing, PatientReplied, the Inbox, LISTEN/NOTIFY, the stream.
    /// </summary>
    private static async Task<LagStatistics> WebhookLatencyAsync(
        InfrastructureSettings infrastructure, string environment, HttpClient desk, IConnection connection, int samples, string work, CancellationToken cancellationToken)
    {
        var gatewayDatabase = InfrastructureSettings.Database + "_sms";
        await infrastructure.RecreateDatabaseAsync(cancellationToken, gatewayDatabase);
        var (simulatorPort, gatewayPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        var token = Guid.NewGuid().ToString("N");
        const string apiId = "bench-inbox-api-id";
        await using var simulator = ServiceProcess.Start("simulator", BuiltServices.Dll("tools", "Comms.ProviderSimulator"), simulatorPort, new Dictionary<string, string>
        {
            ["Simulator__SmsRu__ApiId"] = apiId,
            ["Simulator__SmsRu__CallbackUrl"] = $"http://127.0.0.1:{gatewayPort}/webhooks/sms/smsru?token={token}",
            ["Simulator__SmsRu__Balance"] = "100000000",
            ["Logging__LogLevel__Default"] = "Warning",
        }, Path.Combine(work, "simulator.log"));
        await using var gateway = ServiceProcess.Start("gateway-sms", BuiltServices.Dll("services", "Comms.Gateway.Sms", "Gateway.Sms"), gatewayPort, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ConnectionStrings__Database"] = infrastructure.ConnectionStringOf(gatewayDatabase),
            ["RabbitMq__Host"] = infrastructure.RabbitHost,
            ["RabbitMq__Port"] = infrastructure.RabbitPort.ToString(Invariant),
            ["RabbitMq__Username"] = infrastructure.RabbitUser,
            ["RabbitMq__Password"] = infrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = InfrastructureSettings.VirtualHost,
            ["Sms__Accounts__smsru__Provider"] = "smsru",
            ["Sms__Accounts__smsru__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/smsru",
            ["Sms__Accounts__smsru__ApiId"] = apiId,
            ["Sms__Accounts__smsru__CallbackToken"] = token,
            ["Sms__Accounts__smsru__Sender"] = "CLINIC",
            ["Sms__Routing__Default__Accounts__0"] = "smsru",
            ["Logging__LogLevel__Default"] = "Warning",
        }, Path.Combine(work, "gateway-sms.log"));
        await simulator.WaitReadyAsync("health/live", TimeSpan.FromMinutes(1), cancellationToken);
        await gateway.WaitReadyAsync("health/ready", TimeSpan.FromMinutes(2), cancellationToken);

        var phones = Enumerable.Range(0, samples).Select(i => "+7916" + (1_000_000 + i).ToString(Invariant)).ToArray();
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken))
        {
            for (var i = 0; i < samples; i++)
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    messageId = Guid.NewGuid(),
                    messageType = new[] { "urn:message:Comms.Contracts.Templating:SendSms" },
                    message = new
                    {
                        messageId = Guid.CreateVersion7(), clinicId = Clinic, patientId = $"P-W{i:0000}", appointmentId = (string?)null, phone = phones[i],
                        text = "Анна, напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина.", purpose = "service", templateKey = "appointment.reminder",
                        templateVersion = 1, expectedReply = (string?)null, requestedAt = DateTimeOffset.UtcNow,
                    },
                });
                await channel.BasicPublishAsync("Comms.Contracts.Templating:SendSms", "", true,
                    new BasicProperties { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent }, body, cancellationToken);
            }
        }

        // Every reminder recorded by the gateway (blocked: no consent), so a reply from the phone names its clinic and patient.
        var recorded = Stopwatch.StartNew();
        await using (var check = new NpgsqlConnection(infrastructure.ConnectionStringOf(gatewayDatabase)))
        {
            await check.OpenAsync(cancellationToken);
            while (true)
            {
                await using var count = new NpgsqlCommand("SELECT count(*) FROM messages WHERE \"ClinicId\" = @c AND \"Status\" = 'blocked'", check);
                count.Parameters.AddWithValue("c", Clinic);
                if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= samples)
                {
                    break;
                }

                if (recorded.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("the gateway did not record the reminders: " + gateway.Tail());
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        // And the Inbox has filed them with their status: no change of theirs is still on its way to the page's stream.
        await using (var check = new NpgsqlConnection(infrastructure.DatabaseConnectionString))
        {
            await check.OpenAsync(cancellationToken);
            while (true)
            {
                await using var count = new NpgsqlCommand("SELECT count(*) FROM thread_entries e JOIN conversations c ON c.\"Id\" = e.\"ConversationId\" WHERE c.\"PatientId\" LIKE 'P-W%' AND e.\"Status\" = 'blocked' AND e.\"Text\" IS NOT NULL", check);
                if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= samples)
                {
                    break;
                }

                if (recorded.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("the Inbox did not file the reminders");
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        using var stream = await desk.GetAsync("inbox/live", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));
        await reader.ReadLineAsync(cancellationToken);
        var lags = new List<TimeSpan>(samples);
        foreach (var phone in phones)
        {
            var started = Stopwatch.GetTimestamp();
            using var posted = await simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "Подскажите, пожалуйста, где у вас парковка?", provider = "smsru" }, cancellationToken);
            posted.EnsureSuccessStatusCode();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            string? line;
            do
            {
                line = await reader.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));

            lags.Add(Stopwatch.GetElapsedTime(started));
        }

        await infrastructure.DropDatabaseAsync(CancellationToken.None, gatewayDatabase);
        return LagStatistics.Of(lags)!;
    }

    private static string BuiltInbox() => BuiltServices.Dll("services", "Comms.Inbox", "Inbox");

    /// <summary>Conversations of one clinic, every fifth waiting; messages spread over them, alternating patient and clinic, texts of a usual length.</summary>
    private static async Task<(Guid Some, int Waiting)> SeedAsync(string connectionString, int conversations, int messages, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, conversations).Select(i => Guid.CreateVersion7(now.AddMinutes(-i))).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var waiting = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY conversations (\"Id\", \"ClinicId\", \"PatientId\", \"LastInboundChannel\", \"LastInboundAt\", \"LastMessageAt\", \"WaitingSince\", \"Status\", \"AssignedTo\", \"UpdatedAt\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < conversations; i++)
            {
                var at = now.AddMinutes(-i);
                var waits = i % 5 == 0;
                waiting += waits ? 1 : 0;
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(ids[i], NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(Clinic, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync($"P-{i:000000}", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync("sms", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                if (waits)
                {
                    await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await writer.WriteAsync("open", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteNullAsync(cancellationToken);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY thread_entries (\"Id\", \"ConversationId\", \"ClinicId\", \"Direction\", \"Channel\", \"Text\", \"Kind\", \"Status\", \"RescheduleHint\", \"Automatic\", \"At\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var m = 0; m < messages; m++)
            {
                var conversation = m % conversations;
                var inbound = m / conversations % 2 == 1;
                var at = now.AddMinutes(-conversation).AddHours(-(messages / conversations - m / conversations));
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(Guid.CreateVersion7(at), NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(ids[conversation], NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(Clinic, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(inbound ? "in" : "out", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync("sms", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(inbound ? "Добрый день! Подскажите, пожалуйста, можно ли прийти немного раньше?" : "Анна, напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина.", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(inbound ? "patient" : "appointment.reminder", NpgsqlDbType.Varchar, cancellationToken);
                if (inbound)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync("delivered", NpgsqlDbType.Varchar, cancellationToken);
                }

                await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        return (ids[0], waiting);
    }

    private static async Task GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private static async Task ListQueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT * FROM conversations WHERE \"ClinicId\" = @c AND \"LastInboundAt\" IS NOT NULL AND \"WaitingSince\" IS NOT NULL AND \"Status\" = 'open' ORDER BY \"LastInboundAt\" DESC LIMIT 200", connection);
        command.Parameters.AddWithValue("c", Clinic);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
        }
    }

    private static async Task<LagStatistics> TimeAsync(int count, Func<Task> action)
    {
        await action(); // warm
        var lags = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            lags.Add(Stopwatch.GetElapsedTime(started));
        }

        return LagStatistics.Of(lags)!;
    }

    /// <summary>Each message published as a gateway does (a MassTransit envelope on PatientReplied's exchange), timed to its event on the page's stream.</summary>
    private static async Task<LagStatistics> LiveLatencyAsync(HttpClient desk, IConnection connection, int samples, CancellationToken cancellationToken)
    {
        using var stream = await desk.GetAsync("inbox/live", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));
        await reader.ReadLineAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var lags = new List<TimeSpan>(samples);
        for (var i = 0; i < samples; i++)
        {
            var patient = $"P-{i:000000}";
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                messageId = Guid.NewGuid(),
                messageType = new[] { "urn:message:Comms.Contracts.Delivery:PatientReplied" },
                message = new
                {
                    replyId = Guid.CreateVersion7(), channel = "sms", contact = "+79160000000", text = "Подскажите, пожалуйста, где у вас парковка?",
                    inReplyToMessageId = (Guid?)null, expectedReply = (string?)null, clinicId = Clinic, patientId = patient, appointmentId = (string?)null,
                    receivedAt = DateTimeOffset.UtcNow,
                },
            });
            var started = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync("Comms.Contracts.Delivery:PatientReplied", "", true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent }, body, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            string? line;
            do
            {
                line = await reader.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));

            lags.Add(Stopwatch.GetElapsedTime(started));
        }

        return LagStatistics.Of(lags)!;
    }

    private static async Task<LagStatistics> BrokerRoundTripAsync(IConnection connection, int samples, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        var arrived = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, _) =>
        {
            arrived.Writer.TryWrite(Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
        var lags = new List<TimeSpan>(samples);
        var body = Encoding.UTF8.GetBytes("{\"text\":\"Подскажите, пожалуйста, где у вас парковка?\"}");
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync("", queue, false, new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, body, cancellationToken);
            var at = await arrived.Reader.ReadAsync(cancellationToken);
            lags.Add(Stopwatch.GetElapsedTime(started, at));
        }

        return LagStatistics.Of(lags)!;
    }

    private static string Ms(double seconds) => $"{seconds * 1000,7:0.0} ms";

    private static void Say(string text) => Console.WriteLine($"inbox bench: {text}");
}
