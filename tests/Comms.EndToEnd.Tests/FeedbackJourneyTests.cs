using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// Feedback through every real service: a completed visit → the request by SMS at the simulator, with a personal link →
/// the patient's "2" by reply → the clinic's manager gets the alert at the SMTP sink, the MIS gets feedback.received →
/// the patient adds a few words on the page → the results show them.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed partial class FeedbackJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_low_rating_by_reply_alerts_the_manager_and_the_words_added_on_the_page_reach_the_results()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await GrantManagerConsentAsync();
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var received = await mis.BindQueueAsync("comms.events", "feedback.received");
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(-1)));
        await mis.PublishAsync("mis.events", "appointment.completed", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "c-" + appointmentId, source = "mis/clinic-msk-1", type = "appointment.completed",
            data = new { appointmentId, version = 2, clinic = new { clinicId = CommsSystem.ClinicId }, services = new[] { new { code = "DENT-HYG", name = "Гигиена" } } },
        }));

        var request = await Eventually.GetAsync<string>(async () => (await system.InboxAsync(phone))
                .Select(m => m.GetProperty("text").GetString()).FirstOrDefault(t => t is not null && t.Contains("/f/", StringComparison.Ordinal)),
            Patience, () => "the feedback request at the simulator\n" + system.Logs());
        var link = Link().Match(request).Value;
        Assert.StartsWith("Анна, оцените", request, StringComparison.Ordinal);
        Assert.Contains("от 1 до 5 (5 — отлично): цифрой в ответ или по ссылке", request, StringComparison.Ordinal);

        using (var reply = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "2" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        }

        var alert = await Eventually.GetAsync<JsonElement>(async () => (await system.MailDev.MailsToAsync(CommsSystem.ManagerEmail))
                .Select(m => (JsonElement?)m).FirstOrDefault(m => m!.Value.GetProperty("text").GetString()!.Contains(appointmentId, StringComparison.Ordinal)),
            Patience, () => "the manager's alert at the SMTP sink\n" + system.Logs());
        var alertText = alert.GetProperty("text").GetString()!;
        Assert.Contains("Иванова", alertText, StringComparison.Ordinal);
        Assert.Contains(phone, alertText.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var answer = await mis.WaitForAsync(received, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "feedback.received on comms.events\n" + system.Logs());
        Assert.Equal(2, answer.GetProperty("data").GetProperty("rating").GetInt32());
        await Eventually.TrueAsync(async () => (await system.InboxAsync(phone)).Length == 2, Patience, () => "the follow-up asking for a few words\n" + system.Logs());

        // The patient opens the link from the first message: the 2 stands, the page asks only for the words.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        var page = await browser.GetStringAsync(link);
        Assert.Contains("Ваша оценка: <b>2</b>", page, StringComparison.Ordinal);
        const string Words = "Долго ждали в коридоре, врач торопился";
        using (var posted = await browser.PostAsync(link, new FormUrlEncodedContent(
                   [.. Hidden().Matches(page).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))),
                    new KeyValuePair<string, string>("review", Words)])))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Contains("Яндекс Карты", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var results = new HttpClient { BaseAddress = system.Feedback.Http.BaseAddress };
        results.DefaultRequestHeaders.Add("X-Api-Key", CommsSystem.ApiKey);
        var stats = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var s = await results.GetFromJsonAsync<JsonElement>($"api/v1/feedback/stats?clinicId={CommsSystem.ClinicId}");
            return s.GetProperty("latestReviews").EnumerateArray().Any(r => r.GetProperty("appointmentId").GetString() == appointmentId) ? s : null;
        }, Patience, () => "the review in the results\n" + system.Logs());
        var review = stats.GetProperty("latestReviews").EnumerateArray().Single(r => r.GetProperty("appointmentId").GetString() == appointmentId);
        Assert.Equal((2, Words), (review.GetProperty("rating").GetInt32(), review.GetProperty("text").GetString()));
        Assert.True(stats.GetProperty("distribution").GetProperty("2").GetInt32() >= 1);
        await Eventually.TrueAsync(async () => (await system.MailDev.MailsToAsync(CommsSystem.ManagerEmail))
                .Any(m => m.GetProperty("text").GetString()!.Contains(Words, StringComparison.Ordinal)),
            Patience, () => "the second alert, with the words\n" + system.Logs());
    }

    /// <summary>The clinic records its manager's consent to service email once, as docs/feedback.md says.</summary>
    private async Task GrantManagerConsentAsync()
    {
        using var consent = new HttpClient { BaseAddress = system.Consent.Http.BaseAddress };
        consent.DefaultRequestHeaders.Add("X-Api-Key", "dev-consent-admin-key");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/consents")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                clinicId = CommsSystem.ClinicId, email = CommsSystem.ManagerEmail, channel = "email", purpose = "service", granted = true,
                method = "paper_form", documentRef = "Трудовой договор № 14", capturedAt = DateTimeOffset.UtcNow.AddDays(-1), capturedBy = "hr",
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "manager-consent-" + CommsSystem.ClinicId);
        using var response = await consent.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () =>
                (await system.GatewayEmail.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(CommsSystem.ManagerEmail)}"))!
                .Any(c => c.GetProperty("granted").GetBoolean()),
            Patience, () => "the manager's consent at Gateway.Email\n" + system.Logs());
    }

    [GeneratedRegex(@"https?://[^\s]+/f/[A-Za-z0-9_-]+")]
    private static partial Regex Link();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();
}
