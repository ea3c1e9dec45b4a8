using System.Diagnostics;
using Comms.Benchmarks.Audience;
using Comms.Contracts;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using MassTransit;

namespace Comms.Benchmarks.Sms;

/// <summary>What one publishing phase took, and when each message was handed to the bus.</summary>
public sealed record PublishResult(int Count, DateTimeOffset FirstAt, TimeSpan Elapsed, IReadOnlyDictionary<Guid, DateTimeOffset> PublishedAt)
{
    public double Rate => Count / Elapsed.TotalSeconds;
}

/// <summary>
/// The tool's own MassTransit bus on the benchmark virtual host, standing in for the consent ledger (ConsentChanged)
/// and for Templating (SendSms): the gateway receives exactly what it would in production. Publisher confirms on, as
/// in the services; each publish returns once the broker confirmed it.
/// </summary>
public sealed class BenchmarkBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private BenchmarkBus(IBusControl bus) => _bus = bus;

    public static async Task<BenchmarkBus> StartAsync(InfrastructureSettings infrastructure, CancellationToken cancellationToken)
    {
        // Bus.Factory has no registration to switch usage telemetry off on; the variable covers it.
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(infrastructure.RabbitHost, (ushort)infrastructure.RabbitPort, InfrastructureSettings.VirtualHost, host =>
            {
                host.Username(infrastructure.RabbitUser);
                host.Password(infrastructure.RabbitPassword);
                host.PublisherConfirmation = true;
                host.ConnectionName("comms-benchmark-sms");
            });
            cfg.Durable = true;
        });
        await bus.StartAsync(cancellationToken);
        return new BenchmarkBus(bus);
    }

    /// <summary>
    /// The ledger's events: a grant for every recipient with a consent record, or, with <paramref name="revocations"/>,
    /// the later revocation for those whose consent was withdrawn (published once the grants are projected, as the
    /// ledger would send them: in the order they happened).
    /// </summary>
    public async Task<PublishResult> PublishConsentAsync(Workload workload, bool revocations, int parallelism, CancellationToken cancellationToken)
    {
        var capturedAt = DateTimeOffset.UtcNow.AddDays(-30);
        var changes = workload.Messages
            .Where(sms => revocations ? sms.Consent == ConsentKind.Revoked : sms.Consent != ConsentKind.None)
            .Select(sms => new ConsentChanged(
                revocations ? workload.Count + sms.Index + 1 : sms.Index + 1, Workload.ClinicId, PatientId(sms), sms.Phone,
                Channels.Sms, Purposes.Service, Granted: !revocations, "mis",
                revocations ? capturedAt.AddDays(1) : capturedAt, DateTimeOffset.UtcNow))
            .ToList();
        return await PublishAllAsync(changes, _ => Guid.Empty, parallelism, cancellationToken);
    }

    public Task<PublishResult> PublishSendsAsync(Workload workload, int parallelism, CancellationToken cancellationToken) =>
        PublishAllAsync(
            workload.Messages.Select(Command).ToList(),
            command => command.MessageId,
            parallelism,
            cancellationToken);

    /// <summary>
    /// The bytes MassTransit puts on the wire for these commands: sent to a queue of their own (not the gateway's) and
    /// read back raw, so the RabbitMQ baseline moves messages of exactly the gateway's size.
    /// </summary>
    public async Task<List<byte[]>> CaptureEnvelopesAsync(
        InfrastructureSettings infrastructure, IEnumerable<PlannedSms> samples, CancellationToken cancellationToken)
    {
        const string queue = "benchmark-envelope-sample";
        var endpoint = await _bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        var sent = 0;
        foreach (var sms in samples)
        {
            await endpoint.Send(Command(sms with { MessageId = Guid.NewGuid() }), cancellationToken);
            sent++;
        }

        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = infrastructure.RabbitHost,
            Port = infrastructure.RabbitPort,
            UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword,
            VirtualHost = InfrastructureSettings.VirtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync("comms-benchmark-envelope-sample", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var bodies = new List<byte[]>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bodies.Count < sent && DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } message)
            {
                bodies.Add(message.Body.ToArray());
            }
            else
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeleteAsync(queue, cancellationToken: cancellationToken);
        return bodies.Count == sent
            ? bodies
            : throw new InvalidOperationException($"only {bodies.Count} of {sent} sample envelopes came back from {queue}");
    }

    public static SendSms Command(PlannedSms sms) => new(
        sms.MessageId, Workload.ClinicId, PatientId(sms), $"bench-appointment-{sms.Index}", sms.Phone, sms.Text,
        Purposes.Service, sms.TemplateKey, 1, sms.ExpectedReply, DateTimeOffset.UtcNow);

    public static string PatientId(PlannedSms sms) => $"bench-patient-{sms.Index}";

    private async Task<PublishResult> PublishAllAsync<T>(
        IReadOnlyList<T> messages, Func<T, Guid> idOf, int parallelism, CancellationToken cancellationToken)
        where T : class
    {
        var publishedAt = new System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset>(parallelism, messages.Count);
        var first = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            messages,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (message, token) =>
            {
                // Stamped when handed to the bus: from here on the command exists, as when Templating publishes it.
                var at = DateTimeOffset.UtcNow;
                await _bus.Publish(message, token);
                if (idOf(message) is var id && id != Guid.Empty)
                {
                    publishedAt[id] = at;
                }
            });
        return new PublishResult(messages.Count, first, clock.Elapsed, publishedAt);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);
}
