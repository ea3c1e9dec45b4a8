using Comms.Contracts;
using Comms.Contracts.Templating;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Answers;

/// <summary>
/// Records a patient's answer, whichever door it came through (a reply, the page). The first rating of a visit wins and
/// so does its first review; a later one changes nothing. Every answer is told to the MIS (<c>feedback.received</c>);
/// a rating at or below the threshold also alerts the clinic at once (<c>feedback.negative</c> and an email to each
/// manager address). All of it is written to the outbox with the answer, in one transaction.
/// </summary>
public sealed partial class AnswerRecorder(
    FeedbackDbContext db,
    CommsCloudEvents events,
    TimeProvider time,
    IOptionsMonitor<FeedbackOptions> options,
    ILogger<AnswerRecorder> logger)
{
    /// <summary>False when the visit was already rated (nothing changed).</summary>
    public async Task<bool> RecordRatingAsync(FeedbackRequest request, int rating, string? review, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (request.Rating is not null)
        {
            return false;
        }

        request.Rating = rating;
        request.RatedAt = at;
        request.RatingChannel = channel;
        if (!string.IsNullOrWhiteSpace(review) && request.Review is null)
        {
            request.Review = Clip(review);
            request.ReviewedAt = at;
            request.ReviewChannel = channel;
        }

        var visit = await db.Visits.FindAsync([request.ClinicId, request.AppointmentId], cancellationToken);
        PublishReceived(request, visit, channel, at);
        if (IsNegative(request))
        {
            Alert(request, visit, reviewAdded: false);
        }

        LogRated(logger, request.AppointmentId, rating, channel);
        return true;
    }

    /// <summary>False when the visit already has a review (nothing changed).</summary>
    public async Task<bool> RecordReviewAsync(FeedbackRequest request, string review, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (request.Review is not null || string.IsNullOrWhiteSpace(review))
        {
            return false;
        }

        request.Review = Clip(review);
        request.ReviewedAt = at;
        request.ReviewChannel = channel;
        var visit = await db.Visits.FindAsync([request.ClinicId, request.AppointmentId], cancellationToken);
        PublishReceived(request, visit, channel, at);
        if (IsNegative(request))
        {
            Alert(request, visit, reviewAdded: true);
        }

        LogReviewed(logger, request.AppointmentId, channel);
        return true;
    }

    public bool IsNegative(FeedbackRequest request)
    {
        var settings = options.CurrentValue;
        var threshold = settings.Scale == request.Scale ? settings.Threshold : RatingScales.DefaultThreshold(request.Scale);
        return request.Rating is { } rating && rating <= threshold;
    }

    private void PublishReceived(FeedbackRequest request, Visit? visit, string channel, DateTimeOffset at) =>
        events.Publish(db, FeedbackEventTypes.Received, new
        {
            feedbackId = request.MessageId,
            clinicId = request.ClinicId,
            appointmentId = request.AppointmentId,
            patientId = request.PatientId,
            doctorId = visit?.DoctorId,
            serviceCode = visit?.ServiceCode,
            scale = request.Scale,
            rating = request.Rating,
            review = request.Review,
            negative = IsNegative(request),
            channel,
            ratingChannel = request.RatingChannel,
            reviewChannel = request.ReviewChannel,
            answeredAt = at,
        });

    private void Alert(FeedbackRequest request, Visit? visit, bool reviewAdded)
    {
        var settings = options.CurrentValue;
        var clinic = settings.For(request.ClinicId);
        var now = time.GetUtcNow();
        var managers = clinic.ManagerEmails ?? [];
        events.Publish(db, FeedbackEventTypes.Negative, new
        {
            feedbackId = request.MessageId,
            clinicId = request.ClinicId,
            appointmentId = request.AppointmentId,
            patientId = request.PatientId,
            doctorId = visit?.DoctorId,
            serviceCode = visit?.ServiceCode,
            scale = request.Scale,
            rating = request.Rating,
            review = request.Review,
            reviewAdded,
            emailedTo = managers.Count,
            ratedAt = request.RatedAt,
        });

        // Managers read the visit's time in the clinic's zone, not the patient's.
        var zone = RequestPlanner.Zone(settings, visit?.ClinicTimeZone);
        var alert = NegativeAlert.Render(visit, request, zone, reviewAdded);
        foreach (var email in managers.Select(m => m.Trim().ToLowerInvariant()).Distinct())
        {
            db.Publish(new SendEmail(
                FeedbackLinks.Derived(request.MessageId, $"alert|{(reviewAdded ? "review" : "rating")}|{email}"),
                request.ClinicId,
                null,
                null,
                email,
                alert.Subject,
                alert.Html,
                alert.Text,
                Purposes.Service,
                NegativeAlert.TemplateKey,
                1,
                null,
                now), time);
        }

        request.AlertedAt = now;
        LogAlerted(logger, request.AppointmentId, managers.Count);
    }

    private static string Clip(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= FeedbackRequest.MaxReviewLength ? trimmed : trimmed[..FeedbackRequest.MaxReviewLength];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Visit {AppointmentId} rated {Rating} ({Channel})")]
    private static partial void LogRated(ILogger logger, string appointmentId, int rating, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Visit {AppointmentId}: review received ({Channel})")]
    private static partial void LogReviewed(ILogger logger, string appointmentId, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Visit {AppointmentId}: low rating; {Managers} manager(s) alerted")]
    private static partial void LogAlerted(ILogger logger, string appointmentId, int managers);
}

/// <summary>The CloudEvents Feedback publishes on <c>comms.events</c> (docs/mis-integration.md, section 8).</summary>
public static class FeedbackEventTypes
{
    public const string Received = "feedback.received";
    public const string Negative = "feedback.negative";
}
