using System.Text.Json;

namespace Comms.Feedback.Tests;

public sealed class AlertTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Fact]
    public async Task Low_rating_on_the_page_emails_each_manager_with_the_patients_words_escaped_and_tells_the_clinic()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id, firstName: "Анна<b>");
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        var emails = await visits.Broker.BindQueueAsync("Comms.Contracts.Templating:SendEmail", "", "fanout");
        var negative = await visits.Broker.BindQueueAsync("comms.events", "feedback.negative");
        var received = await visits.Broker.BindQueueAsync("comms.events", "feedback.received");
        using var browser = app.Factory.CreateClient();
        var path = new Uri(link).AbsolutePath;
        var html = await browser.GetStringAsync(path);

        (await browser.PostAsync(path, PageTests.Form(html, ("rating", "2"), ("review", "<script>alert(1)</script> грубо & долго")))).EnsureSuccessStatusCode();

        var sent = new List<JsonElement>();
        for (var i = 0; i < 2; i++)
        {
            sent.Add(await visits.Broker.WaitForMessageAsync(emails, m => m.GetProperty("clinicId").GetString() == FeedbackApp.ClinicId && m.GetProperty("html").GetString()!.Contains(id, StringComparison.Ordinal), Visits.Patience, "the alert email"));
        }

        Assert.Equal(["chief@clinic.test", "manager@clinic.test"], sent.Select(m => m.GetProperty("email").GetString()).Order());
        var email = sent[0];
        Assert.Equal("service", email.GetProperty("purpose").GetString());
        Assert.Contains("2 из 5", email.GetProperty("subject").GetString());
        var body = email.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<script>", body);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; грубо &amp; долго", body);
        Assert.Contains("Анна&lt;b&gt;", body);
        Assert.Contains("+79161234567", body);
        Assert.Contains("Петров Павел Петрович", body);
        Assert.Contains("Профессиональная гигиена", body);
        var text = email.GetProperty("text").GetString()!;
        Assert.Contains("<script>alert(1)</script> грубо & долго", text);
        Assert.Contains("anna@example.ru", text);
        Assert.NotEqual(sent[0].GetProperty("messageId").GetGuid(), sent[1].GetProperty("messageId").GetGuid());

        var alert = await visits.Broker.WaitForAsync(negative, e => RepliesTests.Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "feedback.negative");
        Assert.Equal((2, "D-5", 2), (RepliesTests.Data(alert).GetProperty("rating").GetInt32(), RepliesTests.Data(alert).GetProperty("doctorId").GetString(), RepliesTests.Data(alert).GetProperty("emailedTo").GetInt32()));
        var answer = await visits.Broker.WaitForAsync(received, e => RepliesTests.Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "feedback.received");
        Assert.Equal(("page", true, request.PatientId), (RepliesTests.Data(answer).GetProperty("channel").GetString(), RepliesTests.Data(answer).GetProperty("negative").GetBoolean(), RepliesTests.Data(answer).GetProperty("patientId").GetString()));
        Assert.NotNull((await visits.RequestAsync(FeedbackApp.ClinicId, id)).AlertedAt);
    }

    [Fact]
    public async Task Low_rating_by_reply_alerts_at_once_and_again_with_the_review_that_follows()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        await visits.SendAsync(FeedbackApp.ClinicId, id);
        var emails = await visits.Broker.BindQueueAsync("Comms.Contracts.Templating:SendEmail", "", "fanout");

        await visits.ReplyAsync(request, "1");
        var first = await visits.Broker.WaitForMessageAsync(emails, m => m.GetProperty("text").GetString()!.Contains(id, StringComparison.Ordinal), Visits.Patience, "the alert of the rating");
        var rated = await visits.RequestAsync(FeedbackApp.ClinicId, id, r => r.FollowUpMessageId is not null);
        await visits.ReplyAsync(request, "Нагрубили на ресепшене", expectedReply: "review", inReplyTo: rated.FollowUpMessageId);
        var second = await visits.Broker.WaitForMessageAsync(
            emails, m => m.GetProperty("text").GetString()!.Contains("Нагрубили на ресепшене", StringComparison.Ordinal), Visits.Patience, "the alert with the review");

        Assert.Contains("Низкая оценка визита (1 из 5)", first.GetProperty("subject").GetString());
        Assert.Contains("(без текста)", first.GetProperty("text").GetString());
        Assert.Contains("Отзыв к низкой оценке (1 из 5)", second.GetProperty("subject").GetString());
        Assert.NotEqual(first.GetProperty("messageId").GetGuid(), second.GetProperty("messageId").GetGuid());
    }

    [Fact]
    public async Task Rating_above_the_threshold_alerts_nobody()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        await visits.SendAsync(FeedbackApp.ClinicId, id);
        var negative = await visits.Broker.BindQueueAsync("comms.events", "feedback.negative");
        var received = await visits.Broker.BindQueueAsync("comms.events", "feedback.received");

        await visits.ReplyAsync(request, "4");

        // feedback.received leaves in the same transaction as any alert would: once it is here, an alert would be too.
        await visits.Broker.WaitForAsync(received, e => RepliesTests.Data(e).GetProperty("appointmentId").GetString() == id, Visits.Patience, "feedback.received");
        Assert.DoesNotContain((await visits.Broker.DrainAsync(negative)).Select(m => JsonDocument.Parse(m.Body).RootElement),
            e => RepliesTests.Data(e).GetProperty("appointmentId").GetString() == id);
        Assert.Null((await visits.RequestAsync(FeedbackApp.ClinicId, id)).AlertedAt);
    }
}
