using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.Feedback.Features.Answers;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Replies;

/// <summary>
/// Replies to Feedback's messages. To a request (<c>rating</c>): a rating by <see cref="RatingReply"/>'s rule, then a
/// follow-up asking for a few words, with the clinic's review site. To the follow-up (<c>review</c>): the review text.
/// Anything else — not a rating, or a second answer to what was already answered — is kept as unrecognised and handed to
/// the clinic as <c>patient.message_received</c>. Replies to other services' messages are not Feedback's business.
/// </summary>
public sealed partial class PatientRepliedConsumer(
    FeedbackDbContext db,
    AnswerRecorder answers,
    CommsCloudEvents events,
    TimeProvider time,
    IOptionsMonitor<FeedbackOptions> options,
    ILogger<PatientRepliedConsumer> logger) : IConsumer<PatientReplied>
{
    public const string FollowUpTemplateKey = TemplateKeys.FeedbackFollowUp;

    public async Task Consume(ConsumeContext<PatientReplied> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        if (reply is not { ExpectedReply: ExpectedReplies.Rating or ExpectedReplies.Review, InReplyToMessageId: { } messageId })
        {
            return;
        }

        var isRating = reply.ExpectedReply == ExpectedReplies.Rating;
        var request = isRating
            ? await db.Requests.SingleOrDefaultAsync(r => r.MessageId == messageId, cancellationToken)
            : await db.Requests.SingleOrDefaultAsync(r => r.FollowUpMessageId == messageId, cancellationToken);
        if (request is null)
        {
            LogNotOurs(logger, reply.ReplyId, messageId);
            return;
        }

        var recorded = false;
        if (isRating && RatingReply.Read(reply.Text, RatingScales.Min(request.Scale), RatingScales.Max(request.Scale)) is { } rating)
        {
            recorded = await answers.RecordRatingAsync(request, rating, null, reply.Channel, reply.ReceivedAt, cancellationToken);
            if (recorded)
            {
                await FollowUpAsync(request, reply, cancellationToken);
            }
        }
        else if (!isRating)
        {
            recorded = await answers.RecordReviewAsync(request, reply.Text, reply.Channel, reply.ReceivedAt, cancellationToken);
        }

        if (!recorded)
        {
            Unrecognised(request, reply);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task FollowUpAsync(FeedbackRequest request, PatientReplied reply, CancellationToken cancellationToken)
    {
        var visit = await db.Visits.FindAsync([request.ClinicId, request.AppointmentId], cancellationToken);
        if (visit is null)
        {
            return;
        }

        var settings = options.CurrentValue;
        var zone = RequestPlanner.ZoneOf(visit, settings);
        var site = settings.For(request.ClinicId).ReviewLinks?.FirstOrDefault();
        var model = FeedbackModel.For(visit, request, zone, link: null);
        model["feedback.rating"] = request.Rating?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        model["feedback.reviewSite"] = site?.Name;
        model["feedback.reviewLink"] = site?.Url;
        request.FollowUpMessageId = FeedbackLinks.Derived(request.MessageId, "followup");
        db.Publish(new ComposeMessage(
            request.FollowUpMessageId.Value,
            FollowUpTemplateKey,
            Purposes.Service,
            // The channel the patient answered on first; the request's channels after it, should it have no follow-up text.
            (List<string>)[.. new[] { reply.Channel }.Where(Channels.All.Contains).Concat(request.Channels).Distinct()],
            DueDispatcher.Recipient(visit, zone),
            "ru",
            model,
            visit.AppointmentId,
            ExpectedReplies.Review,
            time.GetUtcNow()), time);
    }

    private void Unrecognised(FeedbackRequest request, PatientReplied reply)
    {
        db.UnrecognisedReplies.Add(new UnrecognisedReply
        {
            ReplyId = reply.ReplyId,
            RequestMessageId = request.MessageId,
            Channel = reply.Channel,
            ExpectedReply = reply.ExpectedReply,
            Text = reply.Text.Length <= 4000 ? reply.Text : reply.Text[..4000],
            ReceivedAt = reply.ReceivedAt,
        });
        events.PublishPatientMessage(db, reply, request.ClinicId, request.PatientId, request.AppointmentId);
        LogUnrecognised(logger, reply.ReplyId, request.AppointmentId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} answers message {MessageId}, which Feedback did not send; ignored")]
    private static partial void LogNotOurs(ILogger logger, Guid replyId, Guid messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} to the feedback of visit {AppointmentId} is not an answer; forwarded to the clinic")]
    private static partial void LogUnrecognised(ILogger logger, Guid replyId, string appointmentId);
}
