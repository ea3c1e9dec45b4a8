using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Audience.Features.Channels;

/// <summary>
/// <c>GET /api/v1/audience/clinics/{clinicId}/channels</c>, <c>…/reminder-timing</c> (period <c>from</c>–<c>to</c>, by
/// when the messages were sent; default the last 90 days) and <c>…/recall-intervals</c> (as of a date).
/// </summary>
public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannelEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/clinics/{clinicId}/channels", ChannelsAsync).WithName("GetChannelEffectiveness")
            .WithSummary("Per channel, template and segment: sent, delivered, replied, confirmed, cancelled by reply, no-shows after a confirmed and an unconfirmed request, cost per delivered message and per confirmed visit, median time to answer")
            .ProducesValidationProblem();
        group.MapGet("/clinics/{clinicId}/reminder-timing", TimingAsync).WithName("GetReminderTiming")
            .WithSummary("Confirmation and no-show rates by lead time (72 / 24 / 2 h before) and by the hour the message went")
            .ProducesValidationProblem();
        group.MapGet("/clinics/{clinicId}/recall-intervals", RecallAsync).WithName("GetRecallIntervals")
            .WithSummary("Per service and specialty: the days between a patient's visits (median, quartiles) and the recall interval recommended")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<ChannelRow>>, ValidationProblem>> ChannelsAsync(
        string clinicId, string? from, string? to, ChannelReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var (start, end, errors) = Period(from, to, time);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await reports.ChannelsAsync(clinicId, start, end, end, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<TimingRow>>, ValidationProblem>> TimingAsync(
        string clinicId, string? from, string? to, ChannelReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var (start, end, errors) = Period(from, to, time);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await reports.TimingAsync(clinicId, start, end, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<RecallRow>>, ValidationProblem>> RecallAsync(
        string clinicId, string? asOf, ChannelReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var date = Date(asOf, "asOf", Today(time), errors);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await reports.RecallIntervalsAsync(clinicId, date, cancellationToken));
    }

    private static (DateOnly From, DateOnly To, Dictionary<string, string[]> Errors) Period(string? from, string? to, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var end = Date(to, "to", Today(time), errors);
        var start = Date(from, "from", end.AddDays(-89), errors);
        if (errors.Count == 0 && start > end)
        {
            errors["from"] = ["must not be after to"];
        }

        return (start, end, errors);
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static DateOnly Date(string? text, string name, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors[name] = ["must be a date YYYY-MM-DD"];
        }

        return date;
    }
}
