using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Comms.Benchmarks.Audience;

/// <summary>One visit told by the MIS: its booking and its completion with what was paid.</summary>
public sealed record MisVisit(string AppointmentId, int Patient, DateOnly Day, int MinuteOfDay, string ServiceCode, string DoctorId, decimal AmountPaid)
{
    public string PatientId => SyntheticClinic.PatientId(Patient);
}

/// <summary>
/// The MIS as docs/mis-integration.md describes it: plain CloudEvents (no MassTransit envelope) published to the
/// topic exchange <c>mis.events</c> with the event type as the routing key, persistent, with publisher confirms.
/// </summary>
public sealed class MisEventPublisher : IAsyncDisposable
{
    public const string Exchange = "mis.events";
    private const string Source = "mis/" + BenchmarkSettings.ClinicId;

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private MisEventPublisher(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<MisEventPublisher> ConnectAsync(InfrastructureSettings infrastructure, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = infrastructure.RabbitHost,
            Port = infrastructure.RabbitPort,
            UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword,
            VirtualHost = InfrastructureSettings.VirtualHost,
        };
        var connection = await factory.CreateConnectionAsync("comms-benchmark-audience-mis", cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);
        return new MisEventPublisher(connection, channel);
    }

    /// <summary>The booking, then the completion; each confirmed by the broker before this returns.</summary>
    public async Task PublishAsync(MisVisit visit, CancellationToken cancellationToken)
    {
        await PublishAsync("appointment.booked", Booked(visit), cancellationToken);
        await PublishAsync("appointment.completed", Completed(visit), cancellationToken);
    }

    /// <summary>Every visit's two events, <paramref name="inFlight"/> publishes awaiting their confirms at a time.</summary>
    public async Task PublishAllAsync(IReadOnlyList<MisVisit> visits, int inFlight, CancellationToken cancellationToken)
    {
        var pending = new Queue<Task>();
        foreach (var visit in visits)
        {
            foreach (var (type, body) in new[] { ("appointment.booked", Booked(visit)), ("appointment.completed", Completed(visit)) })
            {
                pending.Enqueue(PublishAsync(type, body, cancellationToken));
                if (pending.Count >= inFlight)
                {
                    await pending.Dequeue();
                }
            }
        }

        await Task.WhenAll(pending);
    }

    private Task PublishAsync(string type, byte[] body, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties { ContentType = "application/cloudevents+json", DeliveryMode = DeliveryModes.Persistent };
        return _channel.BasicPublishAsync(Exchange, type, mandatory: false, properties, body, cancellationToken).AsTask();
    }

    private static byte[] Booked(MisVisit visit)
    {
        var startsAt = new DateTimeOffset(visit.Day.ToDateTime(TimeOnly.MinValue).AddMinutes(visit.MinuteOfDay), TimeSpan.FromHours(3));
        return Serialize("appointment.booked", "b-" + visit.AppointmentId, new
        {
            appointmentId = visit.AppointmentId,
            version = 1,
            startsAt = startsAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            durationMinutes = 30,
            clinic = new { clinicId = BenchmarkSettings.ClinicId, timeZone = "Europe/Moscow" },
            patient = new { patientId = visit.PatientId, phone = "+7916" + (1_000_000 + visit.Patient % 9_000_000).ToString("D7", CultureInfo.InvariantCulture) },
            doctor = new { doctorId = visit.DoctorId },
            service = new { code = visit.ServiceCode },
        });
    }

    private static byte[] Completed(MisVisit visit) => Serialize("appointment.completed", "c-" + visit.AppointmentId, new
    {
        appointmentId = visit.AppointmentId,
        version = 2,
        clinic = new { clinicId = BenchmarkSettings.ClinicId },
        amountPaid = visit.AmountPaid,
        services = new[] { new { code = visit.ServiceCode, price = visit.AmountPaid } },
    });

    private static byte[] Serialize(string type, string id, object data) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        specversion = "1.0",
        id,
        source = Source,
        type,
        time = DateTimeOffset.UtcNow,
        datacontenttype = "application/json",
        data,
    }));

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
