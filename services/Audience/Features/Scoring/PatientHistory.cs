using System.Runtime.CompilerServices;
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

    /// <summary>Courses with a cancelled step and nothing after it (empty for almost everyone: made when the first is added).</summary>
    public IReadOnlyList<string> UnfinishedCourses => _unfinishedCourses ?? [];

    private List<string>? _unfinishedCourses;

    public void AddUnfinishedCourse(string courseId) => (_unfinishedCourses ??= []).Add(courseId);
}

/// <summary>
/// Reads patients' histories as of a date in one query, a row per patient in the order of clinic and patient: a
/// clinic's scoring streams them (<see cref="ReadEachAsync"/>) and never holds them all.
/// </summary>
public static class PatientHistoryReader
{
    /// <param name="patients">Only these patients' histories, or everyone's when null.</param>
    public static async Task<List<PatientHistory>> ReadAsync(AudienceDbContext db, string[] clinics, DateOnly asOf, string[]? patients, CancellationToken cancellationToken)
    {
        var histories = new List<PatientHistory>(patients?.Length ?? 0);
        await foreach (var history in ReadEachAsync(db, clinics, asOf, patients, cancellationToken))
        {
            histories.Add(history);
        }

        return histories;
    }

    /// <param name="patients">Only these patients' histories, or everyone's when null.</param>
    public static async IAsyncEnumerable<PatientHistory> ReadEachAsync(
        AudienceDbContext db, string[] clinics, DateOnly asOf, string[]? patients, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(Query, connection);
            command.Parameters.AddWithValue("clinics", clinics);
            command.Parameters.AddWithValue("asOf", asOf);
            command.Parameters.Add(new NpgsqlParameter("patients", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)patients ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            string? clinic = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                // The clinic's id once, not a copy per patient.
                var clinicId = reader.GetString(0);
                clinic = clinic == clinicId ? clinic : Array.Find(clinics, c => c == clinicId) ?? clinicId;
                var history = new PatientHistory { ClinicId = clinic, PatientId = reader.GetString(1) };
                if (!reader.IsDBNull(2))
                {
                    history.Days.AddRange(reader.GetFieldValue<DateOnly[]>(2));
                    history.Amounts.AddRange(reader.GetFieldValue<decimal[]>(3));
                    history.Discounts = reader.GetDecimal(4);
                }

                history.Bookings = reader.GetInt32(5);
                history.Cancellations = reader.GetInt32(6);
                history.NoShows = reader.GetInt32(7);
                if (!reader.IsDBNull(8))
                {
                    foreach (var course in reader.GetFieldValue<string[]>(8))
                    {
                        history.AddUnfinishedCourse(course);
                    }
                }

                // A rating without a visit (the visit's history not imported) still tells who the patient is.
                history.LastRating = reader.IsDBNull(9) ? null : reader.GetInt32(9);
                yield return history;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Per patient: the days with a completed visit and what each brought (one visit per day, as the models count),
    /// the bookings and how they ended, the courses left unfinished (a step cancelled or missed and nothing of the
    /// course — a visit, a booking — after it), and the last rating up to the date.
    /// </summary>
    private const string Query = """
        WITH v AS (
            SELECT "ClinicId", "PatientId", "Date", "Status", "Amount", "Discount", "CancelledBy", "CourseId"
            FROM visits
            WHERE "ClinicId" = ANY(@clinics) AND "PatientId" IS NOT NULL
              AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
        ),
        day AS (
            SELECT "ClinicId", "PatientId", "Date", sum(coalesce("Amount", 0)) AS amount, sum(coalesce("Discount", 0)) AS discount
            FROM v
            WHERE "Status" = 'completed' AND "Date" <= @asOf
            GROUP BY 1, 2, 3
        ),
        days AS (
            SELECT "ClinicId", "PatientId", array_agg("Date" ORDER BY "Date") AS dates, array_agg(amount ORDER BY "Date") AS amounts,
                sum(discount) AS discounts
            FROM day
            GROUP BY 1, 2
        ),
        bookings AS (
            SELECT "ClinicId", "PatientId",
                count(*) FILTER (WHERE "Status" = 'completed' OR "Status" = 'no_show' OR ("Status" = 'cancelled' AND "CancelledBy" IS DISTINCT FROM 'clinic'))::int AS bookings,
                count(*) FILTER (WHERE "Status" = 'cancelled' AND "CancelledBy" IS DISTINCT FROM 'clinic')::int AS cancellations,
                count(*) FILTER (WHERE "Status" = 'no_show')::int AS no_shows
            FROM v
            WHERE "Date" <= @asOf
            GROUP BY 1, 2
        ),
        course AS (
            SELECT "ClinicId", "PatientId", "CourseId"
            FROM v
            WHERE "CourseId" IS NOT NULL
            GROUP BY 1, 2, 3
            HAVING max("Date") FILTER (WHERE "Status" IN ('cancelled', 'no_show') AND "Date" <= @asOf)
                 >= coalesce(max("Date") FILTER (WHERE "Status" IN ('completed', 'booked')), '-infinity'::date)
        ),
        courses AS (
            SELECT "ClinicId", "PatientId", array_agg("CourseId" ORDER BY "CourseId") AS courses FROM course GROUP BY 1, 2
        ),
        rating AS (
            SELECT DISTINCT ON ("ClinicId", "PatientId") "ClinicId", "PatientId", "Rating"
            FROM ratings
            WHERE "ClinicId" = ANY(@clinics) AND "AnsweredAt" < (@asOf + 1)::timestamp AT TIME ZONE 'UTC'
              AND (@patients::text[] IS NULL OR "PatientId" = ANY(@patients))
            ORDER BY "ClinicId", "PatientId", "AnsweredAt" DESC
        )
        SELECT "ClinicId", "PatientId", days.dates, days.amounts, days.discounts,
            coalesce(bookings.bookings, 0), coalesce(bookings.cancellations, 0), coalesce(bookings.no_shows, 0),
            courses.courses, rating."Rating"
        FROM bookings
        FULL JOIN days USING ("ClinicId", "PatientId")
        FULL JOIN courses USING ("ClinicId", "PatientId")
        FULL JOIN rating USING ("ClinicId", "PatientId")
        ORDER BY 1, 2
        """;
}
