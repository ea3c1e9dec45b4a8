using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comms.Testing;
using MimeKit;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// A confirmation request by email through every real service, answered as a patient would: by the «Подтвердить»
/// button in a real browser, by a "2" replied into the clinic's reply mailbox (a real IMAP server), or by "СТОП".
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed partial class EmailConfirmationJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_confirm_button_opened_in_a_browser_confirms_the_appointment_for_the_mis()
    {
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        var journey = await BookAsync(mis);
        var text = journey.Mail.GetProperty("text").GetString()!;
        Assert.Contains("Подтвердите запись или отмените её по ссылке ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).", text, StringComparison.Ordinal);
        var link = ConfirmLink().Match(text).Groups[1].Value;
        Assert.StartsWith($"http://127.0.0.1:{system.GatewayEmail.Port}/answer/", link, StringComparison.Ordinal);

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            await page.SetContentAsync(journey.Mail.GetProperty("html").GetString()!);
            await page.ClickAsync("a:text-is('Подтвердить')"); // the button in the mail itself
            await page.WaitForURLAsync(link);
            Assert.Equal("Подтверждение записи", await page.TitleAsync());

            await page.ClickAsync("#answer");
            await page.WaitForSelectorAsync("#done");
            Assert.Equal("Запись подтверждена", await page.TitleAsync());
        }

        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == journey.AppointmentId,
            Patience, () => "appointment.confirmed on comms.events\n" + system.Logs());
        var data = confirmed.GetProperty("data");
        Assert.Equal(("email", "1"), (data.GetProperty("channel").GetString(), data.GetProperty("reply").GetString()));
        Assert.Equal(journey.MessageId, data.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task A_2_replied_to_the_confirmation_email_asks_the_mis_to_cancel()
    {
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var cancellations = await mis.BindQueueAsync("comms.events", "appointment.cancellation_requested");
        var journey = await BookAsync(mis);
        Assert.Equal($"Клиника <{CommsSystem.ReplyAddress}>", journey.Mail.GetProperty("headers").GetProperty("reply-to").GetString());

        await system.Imap.AppendAsync(CommsSystem.ReplyUser, Reply(journey, "2\n\nпн, 7 дек. 2026 г. в 10:00, Клиника <noreply@clinic.example>:\n\n> Вы записаны на приём\n"));

        var cancellation = await mis.WaitForAsync(cancellations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == journey.AppointmentId,
            Patience, () => "appointment.cancellation_requested on comms.events\n" + system.Logs());
        var data = cancellation.GetProperty("data");
        Assert.Equal(("email", "2"), (data.GetProperty("channel").GetString(), data.GetProperty("reply").GetString()));
        Assert.Equal(journey.MessageId, data.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task A_stop_replied_by_email_blocks_the_next_email()
    {
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var journey = await BookAsync(mis);

        await system.Imap.AppendAsync(CommsSystem.ReplyUser, Reply(journey, "СТОП"));
        await Eventually.TrueAsync(async () => (await GatewayConsentsAsync(journey.Email)).All(s => !s.GetProperty("granted").GetBoolean()),
            Patience, () => "the opt-out at Gateway.Email\n" + system.Logs());

        var next = "A-" + Guid.NewGuid().ToString("N")[..8];
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + next, next, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddHours(4), clinicId: journey.ClinicId, email: journey.Email));
        using var scheduling = Scheduling();
        var send = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var appointment = await scheduling.GetFromJsonAsync<JsonElement>($"api/v1/clinics/{journey.ClinicId}/appointments/{next}");
            return appointment.GetProperty("sends").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first &&
                   first.TryGetProperty("deliveryStatus", out var status) && status.GetString() == "blocked" ? first : null;
        }, Patience, () => "the next confirmation request blocked\n" + system.Logs());
        Assert.Equal("email", send.GetProperty("attempts")[0].GetProperty("channel").GetString());
        Assert.Single(await system.MailDev.MailsToAsync(journey.Email));
    }

    private sealed record Journey(string ClinicId, string AppointmentId, string Email, string MessageId, JsonElement Mail);

    /// <summary>A clinic that asks for confirmation by email; a patient with email consent books; the request arrives.</summary>
    private async Task<Journey> BookAsync(RabbitQueueProbe mis)
    {
        var clinicId = "em-" + Guid.NewGuid().ToString("N")[..8];
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        var patientId = "P-" + appointmentId;
        var email = $"patient-{Guid.NewGuid():N}@example.ru";
        using var scheduling = Scheduling();
        using (var rules = await scheduling.PutAsync($"api/v1/clinics/{clinicId}/reminder-rules", new StringContent("""
            {"sendWindow":{"start":"00:00","end":"00:00"},"minimumLeadTimeMinutes":30,
             "sends":[{"kind":"confirmation","hoursBefore":24,"templateKey":"appointment.confirmation","channels":["email"]}]}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rules.IsSuccessStatusCode, await rules.Content.ReadAsStringAsync());
        }

        await mis.PublishAsync("mis.events", "patient.consent_changed", MisEvents.EmailConsentGranted("c-" + appointmentId, patientId, email, clinicId: clinicId));
        await Eventually.TrueAsync(async () => (await GatewayConsentsAsync(email)).Any(s => s.GetProperty("granted").GetBoolean()),
            Patience, () => "the email consent at Gateway.Email\n" + system.Logs());
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddHours(3), clinicId: clinicId, email: email));

        var mail = await Eventually.GetAsync<JsonElement>(async () => (await system.MailDev.MailsToAsync(email)).Select(m => (JsonElement?)m).FirstOrDefault(),
            Patience, () => "the confirmation request at the SMTP sink\n" + system.Logs());
        Assert.StartsWith("Подтвердите запись на приём", mail.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var messageId = mail.GetProperty("headers").GetProperty("message-id").GetString()!.Trim('<', '>').Split('@')[0];
        return new Journey(clinicId, appointmentId, email, messageId, mail);
    }

    /// <summary>The patient's reply, threaded to our mail as mail clients do.</summary>
    private static MimeMessage Reply(Journey journey, string text)
    {
        var ours = journey.Mail.GetProperty("headers").GetProperty("message-id").GetString()!.Trim('<', '>');
        var reply = new MimeMessage
        {
            Subject = "Re: " + journey.Mail.GetProperty("subject").GetString(),
            MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.example.ru"),
            InReplyTo = ours,
            Date = DateTimeOffset.UtcNow,
            Body = new TextPart("plain") { Text = text },
        };
        reply.References.Add(ours);
        reply.From.Add(MailboxAddress.Parse(journey.Email));
        reply.To.Add(MailboxAddress.Parse(CommsSystem.ReplyAddress));
        return reply;
    }

    private async Task<JsonElement[]> GatewayConsentsAsync(string email) =>
        await system.GatewayEmail.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(email)}") ?? [];

    private HttpClient Scheduling() => new HttpClient { BaseAddress = system.Scheduling.Http.BaseAddress }.AsOperator();

    [GeneratedRegex(@"Подтвердить запись: (\S+)")]
    private static partial Regex ConfirmLink();
}
