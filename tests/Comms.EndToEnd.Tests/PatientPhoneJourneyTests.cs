using System.Text.Json;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The patient's side, in a real browser: the simulator's phone page shows the confirmation request as it arrived,
/// the patient answers "1" in its reply box, and the appointment is confirmed for the MIS.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class PatientPhoneJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Patient_reads_the_request_on_the_phone_page_answers_1_and_the_appointment_is_confirmed()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3)));

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            await page.GotoAsync($"{system.Simulator.Http.BaseAddress}sim/phone/{Uri.EscapeDataString(phone)}");

            var request = page.Locator(".in", new() { HasText = "Ответьте 1" });
            await Assertions.Expect(request).ToHaveCountAsync(1, new() { Timeout = 60_000 }); // refreshed every 2 s
            await Assertions.Expect(request).ToContainTextAsync("Анна");

            await page.FillAsync("#text", "1");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator(".out", new() { HasText = "отправлено" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#error")).ToBeEmptyAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "patient-phone.png") });
        }

        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "appointment.confirmed after the reply from the phone page\n" + system.Logs());
        Assert.Equal("1", confirmed.GetProperty("data").GetProperty("reply").GetString());
    }
}
