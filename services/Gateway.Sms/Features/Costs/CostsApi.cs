using Comms.Contracts;
using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Features.Costs;

/// <summary>
/// What SMS cost, per clinic and day (in the time zone asked for) and per provider account: messages a provider
/// accepted, their segments, and segments × the account's price at the time. A message that failed after a provider
/// accepted it still counts: providers bill on acceptance.
/// </summary>
public static class CostsApi
{
    public const int MaxDays = 366;

    public sealed record CostRow(string ClinicId, DateOnly Day, string Account, string Currency, int Messages, int Segments, decimal Cost);

    public sealed record CostTotal(string Currency, int Messages, int Segments, decimal Cost);

    public sealed record CostReport(DateOnly From, DateOnly To, string TimeZone, string? ClinicId, IReadOnlyList<CostRow> Days, IReadOnlyList<CostTotal> Totals);

    public static IEndpointRouteBuilder MapCostsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/sms/costs", Get).WithTags("SMS").RequireOperatorKey()
            .WithSummary("SMS cost per clinic, day and provider account: messages, segments, cost");
        return routes;
    }

    internal static async Task<Results<Ok<CostReport>, ValidationProblem>> Get(
        string? from, string? to, string? clinicId, string? timeZone, SmsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var zone = string.IsNullOrWhiteSpace(timeZone) ? "Europe/Moscow" : timeZone.Trim();
        TimeZoneInfo? tz = null;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out tz))
        {
            errors["timeZone"] = [$"'{zone}' is not a known IANA time zone (e.g. Europe/Moscow)"];
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), tz ?? TimeZoneInfo.Utc).DateTime);
        var fromDay = Parse(from, "from", today.AddDays(-30), errors);
        var toDay = Parse(to, "to", today, errors);
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            if (toDay < fromDay)
            {
                errors["to"] = ["must not be before 'from'"];
            }
            else if (toDay.DayNumber - fromDay.DayNumber >= MaxDays)
            {
                errors["to"] = [$"a report covers at most {MaxDays} days"];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var start = ToUtc(fromDay, tz!);
        var end = ToUtc(toDay.AddDays(1), tz!);
        var rows = await db.Database.SqlQuery<CostRow>($"""
            SELECT "ClinicId", ("AcceptedAt" AT TIME ZONE {zone})::date AS "Day", "Provider" AS "Account",
                   coalesce("Currency", 'RUB') AS "Currency", count(*)::int AS "Messages",
                   coalesce(sum("Segments"), 0)::int AS "Segments", coalesce(sum("Cost"), 0) AS "Cost"
            FROM messages
            WHERE "Channel" = {Channels.Sms} AND "AcceptedAt" >= {start} AND "AcceptedAt" < {end}
              AND ({clinicId} IS NULL OR "ClinicId" = {clinicId})
            GROUP BY 1, 2, 3, 4
            ORDER BY 2, 1, 3
            """).ToListAsync(cancellationToken);
        var totals = rows.GroupBy(r => r.Currency)
            .Select(g => new CostTotal(g.Key, g.Sum(r => r.Messages), g.Sum(r => r.Segments), g.Sum(r => r.Cost)))
            .ToList();
        return TypedResults.Ok(new CostReport(fromDay, toDay, zone, clinicId, rows, totals));
    }

    private static DateOnly Parse(string? value, string field, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", out var day))
        {
            return day;
        }

        errors[field] = ["must be a date as yyyy-MM-dd"];
        return fallback;
    }

    private static DateTimeOffset ToUtc(DateOnly day, TimeZoneInfo tz)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, tz.GetUtcOffset(local)).ToUniversalTime();
    }
}
