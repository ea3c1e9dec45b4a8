using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Scheduling.Features.Reminders;
using Comms.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Tests;

/// <summary>
/// A clinic of its own inside a shared <see cref="SchedulingApp"/>, so rules changed by one test touch no other:
/// MIS events go over AMQP as the MIS publishes them, the APIs are called with an operator key.
/// </summary>
public sealed class Clinic(SchedulingApp app, RabbitQueueProbe broker) : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public string Id { get; } = "c-" + Guid.NewGuid().ToString("N")[..8];

    public HttpClient Api { get; } = Operator(app);

    public RabbitQueueProbe Broker => broker;

    public static async Task<Clinic> OpenAsync(SchedulingApp app) => new(app, await RabbitQueueProbe.ConnectAsync(app.VirtualHost));

    public static HttpClient Operator(SchedulingApp app)
    {
        var client = app.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", SchedulingApp.OperatorKey);
        return client;
    }

    public static string NewId(string prefix = "A") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public async Task PublishAsync(string type, object data) =>
        await broker.PublishAsync("mis.events", type, JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "e-" + Guid.NewGuid().ToString("N"), source = "mis/" + Id, type, data,
        }));

    public object Booking(string id, DateTimeOffset startsAt, string patientId, int version = 1, string? service = null, string? specialty = null) => new
    {
        appointmentId = id,
        version,
        startsAt = startsAt.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        clinic = new { clinicId = Id, name = "Клиника", timeZone = "Europe/Moscow" },
        patient = new { patientId, firstName = "Анна", phone = "+7 916 123-45-67" },
        doctor = specialty is null ? null : new { doctorId = "D-1", name = "Петров П. П.", specialty },
        service = service is null ? null : new { code = service, name = "Услуга" },
    };

    public object Closing(string id, int version, params string[] services) => new
    {
        appointmentId = id,
        version,
        clinic = new { clinicId = Id },
        services = services.Select(code => new { code, name = "Услуга" }).ToArray(),
    };

    /// <summary>Books and waits until Scheduling has applied it; returns the timeline.</summary>
    public async Task<JsonElement> BookAsync(string id, DateTimeOffset startsAt, string? patientId = null, string? service = null, string? specialty = null)
    {
        await PublishAsync("appointment.booked", Booking(id, startsAt, patientId ?? "P-" + id, service: service, specialty: specialty));
        return await TimelineAsync(id, version: 1);
    }

    /// <summary>The appointment's timeline once it has reached <paramref name="version"/>.</summary>
    public async Task<JsonElement> TimelineAsync(string id, int version) =>
        await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await Api.GetAsync($"/api/v1/clinics/{Id}/appointments/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var timeline = await response.Content.ReadFromJsonAsync<JsonElement>();
            return timeline.GetProperty("version").GetInt64() >= version ? timeline : null;
        }, Patience, $"appointment {id} at version {version}");

    public async Task<HttpResponseMessage> PutRulesAsync(string json, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/clinics/{Id}/reminder-rules")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Api.SendAsync(request);
    }

    /// <summary>Runs the due dispatcher until nothing more is due (the background one idles in these tests).</summary>
    public async Task DispatchDueAsync()
    {
        var dispatcher = app.Services.GetServices<IHostedService>().OfType<DueDispatcher>().Single();
        var options = app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
        while (await dispatcher.DispatchDueAsync(options, CancellationToken.None) > 0)
        {
        }
    }

    public static IReadOnlyList<JsonElement> Sends(JsonElement timeline, string? status = null, string? kind = null) =>
        [.. timeline.GetProperty("sends").EnumerateArray()
            .Where(s => status is null || s.GetProperty("status").GetString() == status)
            .Where(s => kind is null || s.GetProperty("kind").GetString() == kind)];

    /// <summary>The ComposeMessages about these appointments; waits for <paramref name="expected"/>, then makes sure no more come.</summary>
    public static async Task<List<JsonElement>> TakeComposedAsync(RabbitQueueProbe broker, string queue, string[] appointmentIds, int expected)
    {
        var taken = new List<JsonElement>();
        var deadline = DateTime.UtcNow + Clinic.Patience;
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            if (await broker.GetAsync(queue) is { } received)
            {
                var message = JsonDocument.Parse(received.Body).RootElement.GetProperty("message");
                if (appointmentIds.Contains(message.GetProperty("appointmentId").GetString()))
                {
                    taken.Add(message.Clone());
                }

                continue;
            }

            if (taken.Count >= expected && quietUntil == DateTime.MaxValue)
            {
                quietUntil = DateTime.UtcNow.AddSeconds(1);
            }

            await Task.Delay(50);
        }

        Assert.Equal(expected, taken.Count);
        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await broker.DisposeAsync();
    }
}
