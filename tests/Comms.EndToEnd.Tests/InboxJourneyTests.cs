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
            var desk = await browser.NewPageAsync();
            desk.SetDefaultTimeout(30_000);
            await desk.GotoAsync($"{inbox}/inbox");
            Assert.Contains("/inbox/sign-in", desk.Url, StringComparison.Ordinal);
            await desk.FillAsync("input[name=userName]", "reception");
            await desk.FillAsync("input[name=password]", "reception-dev-password");
            await desk.ClickAsync("button[type=submit]");
            await Assertions.Expect(desk.Locator("html[data-live=on]")).ToHaveCountAsync(1);
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
}
