using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Comms.Audience.Features.Scoring;

/// <summary>
/// A patient's history as of a date, in the shape the figures need: the days they came (one visit per day, as the
/// models count), what each day brought, their bookings and how those ended, and the courses they left unfinished.
/// </summary>
public sealed class PatientHistory
{
    public required string ClinicId { get; init; }

    public required string PatientId { get; init; }

    /// <summary>Days with a completed visit, in order.</summary>
    public List<DateOnly> Days { get; } = [];

    /// <summary>What each of <see cref="Days"/> brought (the amounts of its visits summed).</summary>
    public List<decimal> Amounts { get; } = [];

    public decimal Discounts { get; set; }

    /// <summary>Completed, cancelled (by the patient, or not said) and no-show appointments.</summary>
    public int Bookings { get; set; }

    /// <summary>Cancellations by the patient, or with no one named.</summary>
    public int Cancellations { get; set; }

    public int NoShows { get; set; }

    /// <summary>The patient's last rating up to the date (1–5), from Feedback.</summary>
    public int? LastRating { get; set; }

    /// <summary>Courses with a cancelled step and nothing after it.</summary>
    public List<string> UnfinishedCourses { get; } = [];
}

/// <summary>Reads the histories of every patient of a set of clinics as of a date, in three streamed queries.</summary>
public static class PatientHistoryReader
{
    /// <param name="patients">Only these patients' histories, or everyone's when null.</param>
    public static async Task<List<PatientHistory>> ReadAsync(AudienceDbContext db, string[] clinics, DateOnly asOf, string[]? patients, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var histories = new Dictionary<(string, string), PatientHistory>();
            PatientHistory Of(string clinic, string patient)
            {
                if (!histories.TryGetValue((clinic, patient), out var history))
                {
                    history = new PatientHistory { ClinicId = clinic, PatientId = patient };
                    histories.Add((clinic, patient), history);
                }

                return history;
            }

            await using (var days = Command(connection, """
                SELECT "ClinicId", "PatientId", "Date", sum(coalesce("Amount", 0)), sum(coalesce("Discount", 0))
                FROM visits
                WHERE "ClinicId" = ANY(@clinics) AND "Status" = 'completed' AND "Date" <= @asOf AND "PatientId" IS NOT NULL
                  AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """, clinics, asOf, patients))
            await using (var reader = await days.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var history = Of(reader.GetString(0), reader.GetString(1));
                    history.Days.Add(reader.GetFieldValue<DateOnly>(2));
                    history.Amounts.Add(reader.GetDecimal(3));
                    history.Discounts += reader.GetDecimal(4);
                }
            }

            await using (var bookings = Command(connection, """
                SELECT "ClinicId", "PatientId",
                    count(*) FILTER (WHERE "Status" = 'completed' OR "Status" = 'no_show' OR ("Status" = 'cancelled' AND "CancelledBy" IS DISTINCT FROM 'clinic')),
                    count(*) FILTER (WHERE "Status" = 'cancelled' AND "CancelledBy" IS DISTINCT FROM 'clinic'),
                    count(*) FILTER (WHERE "Status" = 'no_show')
                FROM visits
                WHERE "ClinicId" = ANY(@clinics) AND "Date" <= @asOf AND "PatientId" IS NOT NULL
                  AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
                GROUP BY 1, 2
                """, clinics, asOf, patients))
            await using (var reader = await bookings.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var history = Of(reader.GetString(0), reader.GetString(1));
                    history.Bookings = (int)reader.GetInt64(2);
                    history.Cancellations = (int)reader.GetInt64(3);
                    history.NoShows = (int)reader.GetInt64(4);
                }
            }

            // A course is unfinished when a step of it was cancelled or missed and nothing of it (a visit, a booking)
            // comes after that step.
            await using (var courses = Command(connection, """
                SELECT "ClinicId", "PatientId", "CourseId"
                FROM visits
                WHERE "ClinicId" = ANY(@clinics) AND "CourseId" IS NOT NULL AND "PatientId" IS NOT NULL
                  AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
                GROUP BY 1, 2, 3
                HAVING max("Date") FILTER (WHERE "Status" IN ('cancelled', 'no_show') AND "Date" <= @asOf)
                     >= coalesce(max("Date") FILTER (WHERE "Status" IN ('completed', 'booked')), '-infinity'::date)
                """, clinics, asOf, patients))
            await using (var reader = await courses.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    Of(reader.GetString(0), reader.GetString(1)).UnfinishedCourses.Add(reader.GetString(2));
                }
            }

            await using (var ratings = Command(connection, """
                SELECT DISTINCT ON ("ClinicId", "PatientId") "ClinicId", "PatientId", "Rating"
                FROM ratings
                WHERE "ClinicId" = ANY(@clinics) AND "AnsweredAt" < (@asOf + 1)::timestamp AT TIME ZONE 'UTC'
                  AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
                ORDER BY "ClinicId", "PatientId", "AnsweredAt" DESC
                """, clinics, asOf, patients))
            await using (var reader = await ratings.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    // A rating without a visit (the visit's history not imported) still tells who the patient is.
                    Of(reader.GetString(0), reader.GetString(1)).LastRating = reader.GetInt32(2);
                }
            }

            return [.. histories.Values];
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string[] clinics, DateOnly asOf, string[]? patients)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("clinics", clinics);
        command.Parameters.AddWithValue("asOf", asOf);
        command.Parameters.Add(new NpgsqlParameter("patients", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)patients ?? DBNull.Value });
        return command;
    }
}
