using System.Globalization;
using Comms.Feedback.Features.Answers;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Page;

/// <summary>
/// <c>GET /f/{token}</c> and <c>POST /f/{token}</c>: the personal page. One submission per visit (the first answer,
/// here or by reply, wins); a patient who rated by reply and wrote nothing yet may still add the few words here (the
/// rating stays as given). An unknown or expired link gets a friendly 404 page. The form carries an antiforgery
/// token bound to a SameSite cookie, on top of the link's own unguessable token.
/// </summary>
public static class FeedbackPageApi
{
    public static IEndpointRouteBuilder MapFeedbackPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(FeedbackLinks.PathPrefix + "{token}", Show).ExcludeFromDescription();
        routes.MapPost(FeedbackLinks.PathPrefix + "{token}", Submit).ExcludeFromDescription().DisableAntiforgery();
        return routes;
    }

    internal static async Task<IResult> Show(string token, HttpContext http, FeedbackDbContext db, IAntiforgery antiforgery, TimeProvider time, IOptionsMonitor<FeedbackOptions> options)
    {
        var (request, visit) = await FindAsync(db, token, time, http.RequestAborted);
        if (request is null)
        {
            return Page(http, FeedbackPage.NotFound(), StatusCodes.Status404NotFound);
        }

        if (request.Rating is not null && request.Review is not null)
        {
            return Page(http, FeedbackPage.Thanks(Links(options, request), alreadyReceived: true), StatusCodes.Status200OK);
        }

        if (request.Rating is { } given)
        {
            return Page(http, FeedbackPage.AskForReview(FormOf(http, antiforgery, request, visit, options.CurrentValue, error: null, given, null)), StatusCodes.Status200OK);
        }

        return Page(http, FeedbackPage.AskFor(FormOf(http, antiforgery, request, visit, options.CurrentValue, error: null, null, null)), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> Submit(string token, HttpContext http, FeedbackDbContext db, AnswerRecorder answers, IAntiforgery antiforgery, TimeProvider time, IOptionsMonitor<FeedbackOptions> options)
    {
        var (request, visit) = await FindAsync(db, token, time, http.RequestAborted);
        if (request is null)
        {
            return Page(http, FeedbackPage.NotFound(), StatusCodes.Status404NotFound);
        }

        if (request.Rating is not null && request.Review is not null)
        {
            return Page(http, FeedbackPage.Thanks(Links(options, request), alreadyReceived: true), StatusCodes.Status409Conflict);
        }

        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, FeedbackPage.FormExpired(), StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var review = form["review"].ToString();
        if (request.Rating is { } given)
        {
            // Rated by reply: only the words are taken here; the rating stays as the patient first gave it.
            if (string.IsNullOrWhiteSpace(review))
            {
                return Page(http, FeedbackPage.AskForReview(FormOf(http, antiforgery, request, visit, options.CurrentValue, "Напишите, пожалуйста, хотя бы несколько слов.", given, null)), StatusCodes.Status400BadRequest);
            }

            await answers.RecordReviewAsync(request, review, AnswerChannels.Page, time.GetUtcNow(), http.RequestAborted);
            return await SaveAsync(http, db, options, request);
        }

        var ratingText = form["rating"].ToString();
        if (!int.TryParse(ratingText, NumberStyles.None, CultureInfo.InvariantCulture, out var rating) || !RatingScales.InRange(request.Scale, rating))
        {
            var error = $"Выберите оценку от {RatingScales.Min(request.Scale)} до {RatingScales.Max(request.Scale)}.";
            return Page(http, FeedbackPage.AskFor(FormOf(http, antiforgery, request, visit, options.CurrentValue, error, null, review)), StatusCodes.Status400BadRequest);
        }

        await answers.RecordRatingAsync(request, rating, review, AnswerChannels.Page, time.GetUtcNow(), http.RequestAborted);
        return await SaveAsync(http, db, options, request);
    }

    private static async Task<IResult> SaveAsync(HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options, FeedbackRequest request)
    {
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A reply or another tab answered a moment earlier: theirs stands.
            return Page(http, FeedbackPage.Thanks(Links(options, request), alreadyReceived: true), StatusCodes.Status409Conflict);
        }

        return Page(http, FeedbackPage.Thanks(Links(options, request), alreadyReceived: false), StatusCodes.Status200OK);
    }

    private static async Task<(FeedbackRequest? Request, Visit? Visit)> FindAsync(FeedbackDbContext db, string token, TimeProvider time, CancellationToken cancellationToken)
    {
        if (token.Length is < 16 or > 64)
        {
            return (null, null);
        }

        var hash = FeedbackLinks.Hash(token);
        var request = await db.Requests.SingleOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        if (request is null || request.LinkExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            return (null, null);
        }

        return (request, await db.Visits.FindAsync([request.ClinicId, request.AppointmentId], cancellationToken));
    }

    private static FeedbackPage.Form FormOf(HttpContext http, IAntiforgery antiforgery, FeedbackRequest request, Visit? visit, FeedbackOptions settings, string? error, int? rating, string? review)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var date = visit is null || visit.StartsAt == default
            ? null
            : TimeZoneInfo.ConvertTime(visit.StartsAt, RequestPlanner.ZoneOf(visit, settings)).ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("ru-RU"));
        return new FeedbackPage.Form(http.Request.Path, request.Scale, visit?.ClinicName, date, tokens.FormFieldName, tokens.RequestToken!, error, rating, review);
    }

    private static List<ReviewLink> Links(IOptionsMonitor<FeedbackOptions> options, FeedbackRequest request) =>
        options.CurrentValue.For(request.ClinicId).ReviewLinks ?? [];

    // The link's token must not travel to review sites in a Referer.
    private static IResult Page(HttpContext http, string html, int status) => HtmlPage.Result(http, html, status, referrer: "no-referrer");
}
