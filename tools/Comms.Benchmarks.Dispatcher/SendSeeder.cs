using System.Diagnostics;
using Comms.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>How long seeding took and how much it wrote.</summary>
public sealed record SeedResult(int Sends, int Appointments, TimeSpan Elapsed);

/// <summary>
/// Writes planned sends and their appointments straight into Scheduling's tables with binary COPY, shaped as the
/// service's own planner writes them (<c>AppointmentPlanner</c>): booked appointments in Moscow time, pending sends
/// by SMS. The far-future plan goes in on two connections side by side (appointments, sends).
/// </summary>
public sealed class SendSeeder(string connectionString)
{
    /// <summary>Clinic of the sends that stay pending the whole run.</summary>
    public const string PendingClinic = "bench-pending";

    /// <summary>Clinic of the measured sends that come due during the run.</summary>
    public const string StreamClinic = "bench-stream";

    private const string AppointmentColumns = """
        COPY appointments ("ClinicId", "AppointmentId", "Version", "Status", "StartsAt", "DurationMinutes", "ClinicTimeZone",
            "ClinicName", "ClinicAddress", "PatientId", "LastName", "FirstName", "MiddleName", "Phone", "DoctorId", "DoctorName",
            "ServiceCode", "ServiceName", "UpdatedAt") FROM STDIN (FORMAT BINARY)
        """;

    private const string SendColumns = """
        COPY scheduled_sends ("MessageId", "ClinicId", "AppointmentId", "Kind", "TemplateKey", "Purpose", "Channels",
            "ExpectedReply", "DueAt", "Status", "CreatedAt", "ChannelStep", "Fallback_OnNoContact", "Fallback_OnNoConsent",
            "Fallback_OnFailure") FROM STDIN (FORMAT BINARY)
        """;

    private static readonly string[] Sms = [Channels.Sms];

    /// <summary>The default rules' plan, in the order an appointment gets them when it has fewer than three sends.</summary>
    private static readonly (string Kind, string TemplateKey, TimeSpan Before, string? ExpectedReply)[] Rules =
    [
        ("reminder", "appointment.reminder", TimeSpan.FromDays(1), null),
        ("confirmation", "appointment.confirmation", TimeSpan.FromDays(3), "confirmation"),
        ("reminder", "appointment.reminder", TimeSpan.FromHours(2), null),
    ];

    /// <summary>
    /// <paramref name="sends"/> pending sends due far in the future, <paramref name="perAppointment"/> to an
    /// appointment: the appointments start 30 to 395 days from now, spread over five-minute slots.
    /// </summary>
    public async Task<SeedResult> SeedPendingAsync(int sends, int perAppointment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var appointments = (sends + perAppointment - 1) / perAppointment;
        var firstDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(30);
        const int slots = 365 * 24 * 12;
        DateTimeOffset StartOf(int appointment) => firstDay.AddMinutes(5L * (appointment * 7_919L % slots));

        var writeAppointments = CopyAsync(AppointmentColumns, async importer =>
        {
            for (var a = 0; a < appointments; a++)
            {
                await WriteAppointmentAsync(importer, PendingClinic, $"pending-{a:D7}", StartOf(a), a, now, cancellationToken);
            }
        }, cancellationToken);

        var writeSends = CopyAsync(SendColumns, async importer =>
        {
            for (var s = 0; s < sends; s++)
            {
                var appointment = s / perAppointment;
                var rule = Rules[s % perAppointment];
                await WriteSendAsync(importer, Guid.CreateVersion7(now), PendingClinic, $"pending-{appointment:D7}", rule, StartOf(appointment) - rule.Before, now, cancellationToken);
            }
        }, cancellationToken);

        await Task.WhenAll(writeAppointments, writeSends);
        return new SeedResult(sends, appointments, watch.Elapsed);
    }

    /// <summary>
    /// The measured stream: send <c>i</c> of <paramref name="dueTimes"/> is due at <c>dueTimes[i]</c>, one appointment
    /// each, starting a day after it (far outside the dispatcher's lead-time limit). One transaction: the dispatcher
    /// sees all of it or none.
    /// </summary>
    public async Task<SeedResult> SeedStreamAsync(IReadOnlyList<Guid> messageIds, IReadOnlyList<DateTimeOffset> dueTimes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var importer = await connection.BeginBinaryImportAsync(AppointmentColumns, cancellationToken))
        {
            for (var i = 0; i < messageIds.Count; i++)
            {
                await WriteAppointmentAsync(importer, StreamClinic, StreamAppointmentId(i), dueTimes[i].AddDays(1), i, now, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(SendColumns, cancellationToken))
        {
            for (var i = 0; i < messageIds.Count; i++)
            {
                await WriteSendAsync(importer, messageIds[i], StreamClinic, StreamAppointmentId(i), Rules[0], dueTimes[i], now, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new SeedResult(messageIds.Count, messageIds.Count, watch.Elapsed);
    }

    public static string StreamAppointmentId(int index) => $"stream-{index:D7}";

    /// <summary>VACUUM ANALYZE of both tables, as autovacuum would have done on a database that has been running a while.</summary>
    public async Task<TimeSpan> VacuumAnalyzeAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) appointments, scheduled_sends", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
        return watch.Elapsed;
    }

    private async Task CopyAsync(string copy, Func<NpgsqlBinaryImporter, Task> write, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        importer.Timeout = TimeSpan.Zero;
        await write(importer);
        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteAppointmentAsync(
        NpgsqlBinaryImporter importer, string clinicId, string appointmentId, DateTimeOffset startsAt, int n, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(clinicId, NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(appointmentId, NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken);
        await importer.WriteAsync("booked", NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(startsAt, NpgsqlDbType.TimestampTz, cancellationToken);
        await importer.WriteAsync(30, NpgsqlDbType.Integer, cancellationToken);
        await importer.WriteAsync("Europe/Moscow", NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync("Клиника на Ленинском", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Москва, Ленинский проспект, 1", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync($"patient-{n:D7}", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Иванова", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Анна", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Сергеевна", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync($"+7900{n % 10_000_000:D7}", NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync($"doctor-{n % 200}", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Петров П. П.", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("B01.047.001", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync("Приём терапевта", NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
    }

    private static async Task WriteSendAsync(
        NpgsqlBinaryImporter importer,
        Guid messageId,
        string clinicId,
        string appointmentId,
        (string Kind, string TemplateKey, TimeSpan Before, string? ExpectedReply) rule,
        DateTimeOffset dueAt,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(messageId, NpgsqlDbType.Uuid, cancellationToken);
        await importer.WriteAsync(clinicId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(appointmentId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(rule.Kind, NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(rule.TemplateKey, NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(Purposes.Service, NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(Sms, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        if (rule.ExpectedReply is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(rule.ExpectedReply, NpgsqlDbType.Varchar, cancellationToken);
        }

        await importer.WriteAsync(dueAt, NpgsqlDbType.TimestampTz, cancellationToken);
        await importer.WriteAsync("pending", NpgsqlDbType.Varchar, cancellationToken);
        await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        // The first channel, and the default fallback (the next channel on no contact, no consent or a failure).
        await importer.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
        await importer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
        await importer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
        await importer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
    }
}
