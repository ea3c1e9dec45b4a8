using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The front desk's inbox in a real browser, with every process running: the patient got a confirmation request by
/// SMS and writes back on the simulator's phone page; the receptionist, with the inbox open, sees the message appear
/// without a reload, flagged as a reschedule request; opens it, answers, and the answer arrives on the phone.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class InboxJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_patients_message_appears_live_at_the_front_desk_and_the_answer_reaches_the_phone()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-IN-" + Guid.NewGuid().ToString("N")[..8];
        var patientId = "P-" + appointmentId;
        await using (var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost))
        {
            await system.GrantSmsConsentAsync(mis, patientId, phone);
            await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(30)));
        }

        await Eventually.TrueAsync(async () => (await system.InboxAsync(phone)).Length >= 1, Patience, () => "the confirmation request at the phone\n" + system.Logs());

        var inbox = system.Inbox.Http.BaseAddress!.ToString().TrimEnd('/');
        var simulator = system.Simulator.Http.BaseAddress!.ToString().TrimEnd('/');
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var desk = await SignInAsync(browser, inbox);
            Assert.Equal(0, await desk.Locator($"tr[data-conversation]:has-text('{patientId}')").CountAsync());

            var patientPhone = await browser.NewPageAsync();
            await patientPhone.GotoAsync($"{simulator}/sim/phone/{Uri.EscapeDataString(phone)}");
            await patientPhone.FillAsync("#text", "Можно перенести на пятницу?");
            await patientPhone.ClickAsync("#reply button[type=submit]");

            // Live: the row comes without the receptionist reloading, with the hint and how long it waits.
            var row = desk.Locator($"tr[data-conversation]:has-text('{patientId}')");
            await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Assertions.Expect(row.Locator("[data-hint=reschedule]")).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("td.waiting")).ToContainTextAsync("мин");

            await row.Locator("a").ClickAsync();
            await Assertions.Expect(desk.Locator("li[data-direction=in]")).ToContainTextAsync("Можно перенести на пятницу?");
            await Assertions.Expect(desk.Locator("li[data-direction=out]").First).ToContainTextAsync("Ответьте 1");
            await Assertions.Expect(desk.Locator("button[data-action=reschedule]")).ToHaveCountAsync(1);
            // A saved answer from Templating, rendered for this patient and clinic, goes into the box to edit.
            await desk.SelectOptionAsync("#quick-reply", "inbox.quick.address");
            await desk.ClickAsync("#quick-insert");
            await Assertions.Expect(desk.Locator("#reply-text")).ToHaveValueAsync("Анна, мы находимся по адресу: ул. Ленина, 5 (Клиника на Ленина). Ждём вас!");
            await desk.FillAsync("#reply-text", "Да, конечно: в пятницу есть время в 15:00 — позвоните нам, и мы перенесём.");
            await desk.ClickAsync("#send");
            await Assertions.Expect(desk.Locator("li[data-direction=out]").Last).ToContainTextAsync("в пятницу есть время");

            await Assertions.Expect(patientPhone.Locator("#messages")).ToContainTextAsync("в пятницу есть время в 15:00", new() { Timeout = 30_000 });
            await Assertions.Expect(desk.Locator("li[data-direction=out]").Last.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "delivered", new() { Timeout = 30_000 });
        }
    }

    [Fact]
    public async Task A_patient_writing_in_max_is_answered_in_max()
    {
        var clinicId = "inbox-max-" + Guid.NewGuid().ToString("N")[..6];
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        var patientId = "P-" + appointmentId;
        var userId = Random.Shared.NextInt64(100_000_000, 999_999_999);
        using var scheduling = new HttpClient { BaseAddress = system.Scheduling.Http.BaseAddress };
        scheduling.AsOperator();
        using (var rules = await scheduling.PutAsync($"api/v1/clinics/{clinicId}/reminder-rules", new StringContent("""
            {"sendWindow":{"start":"00:00","end":"00:00"},"minimumLeadTimeMinutes":30,
             "sends":[{"kind":"reminder","hoursBefore":24,"templateKey":"appointment.reminder","channels":["max"]}]}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rules.IsSuccessStatusCode, await rules.Content.ReadAsStringAsync());
        }

        // The patient links MAX through the clinic's bot (the consent), then gets a reminder there.
        using var issued = await system.GatewayMax.Http.PostAsJsonAsync("api/v1/max/links", new { clinicId, patientId });
        var link = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        using (await system.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/start", new { payload = link[(link.IndexOf("?start=", StringComparison.Ordinal) + 7)..] }))
        {
        }

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(async () =>
                (await system.GatewayMax.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={contact}"))!
                .Any(s => s.GetProperty("channel").GetString() == "max" && s.GetProperty("granted").GetBoolean()),
            Patience, () => "the link's consent at Gateway.Max\n" + system.Logs());
        await using (var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost))
        {
            await mis.PublishAsync("mis.events", "appointment.booked",
                MisEvents.Booked("b-" + appointmentId, appointmentId, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddHours(3), clinicId: clinicId));
        }

        await Eventually.TrueAsync(async () => (await MaxMessagesAsync(userId)).Length >= 1, Patience, () => "the reminder in MAX\n" + system.Logs());

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var desk = await SignInAsync(browser, system.Inbox.Http.BaseAddress!.ToString().TrimEnd('/'));
            using (var wrote = await system.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/messages", new { text = "Можно прийти с собакой?" }))
            {
                Assert.Equal(HttpStatusCode.Accepted, wrote.StatusCode);
            }

            var row = desk.Locator($"tr[data-conversation]:has-text('{patientId}')");
            await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await row.Locator("a").ClickAsync();
            await Assertions.Expect(desk.Locator("li[data-direction=in]")).ToContainTextAsync("MAX");
            await desk.FillAsync("#reply-text", "К сожалению, с животными нельзя, но у входа есть место, где можно оставить поводок.");
            await desk.ClickAsync("#send");
            await Assertions.Expect(desk.Locator("li[data-direction=out]").Last).ToContainTextAsync("MAX");
        }

        await Eventually.TrueAsync(async () => (await MaxMessagesAsync(userId)).Any(m => m.GetProperty("text").GetString()!.Contains("с животными нельзя", StringComparison.Ordinal)),
            Patience, () => "the answer in MAX\n" + system.Logs());
    }

    private async Task<JsonElement[]> MaxMessagesAsync(long userId) =>
        (await system.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/max/messages?userId={userId}"))!;

    /// <summary>The development receptionist signs in at the inbox's page; returns the list page, its live feed on.</summary>
    private static async Task<IPage> SignInAsync(IBrowser browser, string inbox)
    {
        var desk = await browser.NewPageAsync();
        desk.SetDefaultTimeout(30_000);
        await desk.GotoAsync($"{inbox}/inbox");
        Assert.Contains("/inbox/sign-in", desk.Url, StringComparison.Ordinal);
        await desk.FillAsync("input[name=userName]", "reception");
        await desk.FillAsync("input[name=password]", "reception-dev-password");
        await desk.ClickAsync("button[type=submit]");
        await Assertions.Expect(desk.Locator("html[data-live=on]")).ToHaveCountAsync(1);
        return desk;
    }
}
