using System.Text.Json;
using Comms.Feedback.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Feedback.Tests;

public sealed class RepliesTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Fact]
    public async Task Digit_reply_is_the_rating_then_a_follow_up_asks_for_words_and_the_answer_is_the_review()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        await visits.SendAsync(FeedbackApp.ClinicId, id);
        var composed = await visits.Broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        var received = await visits.Broker.BindQueueAsync("comms.events", "feedback.received");

        await visits.ReplyAsync(request, " 5! ");

        var followUp = await visits.Broker.WaitForMessageAsync(composed, m => m.GetProperty("appointmentId").GetString() == id, Visits.Patience, "the follow-up");
        var rated = await visits.RequestAsync(FeedbackApp.ClinicId, id, r => r.Rating is not null);
        Assert.Equal((5, "sms"), (rated.Rating, rated.RatingChannel));
        Assert.Equal(rated.FollowUpMessageId, followUp.GetProperty("messageId").GetGuid());
        Assert.Equal("feedback.followup", followUp.GetProperty("templateKey").GetString());
        Assert.Equal("review", followUp.GetProperty("expectedReply").GetString());
        Assert.Equal(["sms"], followUp.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("https://yandex.ru/maps/org/1234567890/reviews", followUp.GetProperty("model").GetProperty("feedback.reviewLink").GetString());
        var first = await visits.Broker.WaitForAsync(received, e => Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "feedback.received of the rating");
        Assert.Equal("comms/feedback", first.GetProperty("source").GetString());
        Assert.Equal((5, "sms", false), (Data(first).GetProperty("rating").GetInt32(), Data(first).GetProperty("channel").GetString(), Data(first).GetProperty("negative").GetBoolean()));

        await visits.ReplyAsync(request, "Врач внимательный, спасибо", expectedReply: "review", inReplyTo: rated.FollowUpMessageId);

        var reviewed = await visits.RequestAsync(FeedbackApp.ClinicId, id, r => r.Review is not null);
        Assert.Equal(("Врач внимательный, спасибо", "sms", 5), (reviewed.Review, reviewed.ReviewChannel, reviewed.Rating));
        var second = await visits.Broker.WaitForAsync(received, e => Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "feedback.received of the review");
        Assert.Equal("Врач внимательный, спасибо", Data(second).GetProperty("review").GetString());
        Assert.Equal(request.MessageId, Data(second).GetProperty("feedbackId").GetGuid());
    }

    [Theory]
    [InlineData("оценка 4")]
    [InlineData("7")]
    [InlineData("0")]
    [InlineData("4 или 5")]
    public async Task Reply_that_is_not_one_number_in_the_scale_is_handed_to_the_clinic_and_not_guessed(string text)
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        await visits.SendAsync(FeedbackApp.ClinicId, id);
        var messages = await visits.Broker.BindQueueAsync("comms.events", "patient.message_received");

        await visits.ReplyAsync(request, text);

        var forwarded = await visits.Broker.WaitForAsync(messages, e => Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "patient.message_received");
        Assert.Equal(text, Data(forwarded).GetProperty("text").GetString());
        Assert.Null((await visits.RequestAsync(FeedbackApp.ClinicId, id)).Rating);
        Assert.Equal(text, (await UnrecognisedAsync(request.MessageId)).Single().Text);
    }

    [Fact]
    public async Task First_answer_wins_a_second_rating_changes_nothing_and_the_page_takes_only_the_words()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        await visits.ReplyAsync(request, "4");
        await visits.RequestAsync(FeedbackApp.ClinicId, id, r => r.Rating is not null);

        await visits.ReplyAsync(request, "1");
        await Eventually.TrueAsync(async () => (await UnrecognisedAsync(request.MessageId)).Count == 1, Visits.Patience, "the second rating forwarded");

        Assert.Equal(4, (await visits.RequestAsync(FeedbackApp.ClinicId, id)).Rating);
        using var browser = app.Factory.CreateClient();
        var path = new Uri(link).AbsolutePath;
        var html = await browser.GetStringAsync(path);
        Assert.Contains("Ваша оценка: <b>4</b>", html);
        Assert.DoesNotContain("name=\"rating\"", html);

        // A rating slipped into the form (an old page, a crafted post) is ignored: the words are taken, the 4 stands.
        using var posted = await browser.PostAsync(path, PageTests.Form(html, ("rating", "1"), ("review", "Долго ждали в коридоре")));
        Assert.Equal(System.Net.HttpStatusCode.OK, posted.StatusCode);
        var answered = await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal((4, "Долго ждали в коридоре", "page"), (answered.Rating, answered.Review, answered.ReviewChannel));
        Assert.Contains("уже получен", await browser.GetStringAsync(path));
    }

    private async Task<List<UnrecognisedReply>> UnrecognisedAsync(Guid requestId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().UnrecognisedReplies.AsNoTracking()
            .Where(r => r.RequestMessageId == requestId).ToListAsync();
    }

    internal static JsonElement Data(JsonElement cloudEvent) => cloudEvent.GetProperty("data");
}
