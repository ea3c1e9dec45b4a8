using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Consent.Tests;

public sealed class EvidenceTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Fact]
    public async Task Evidence_lists_every_record_and_every_message_sent_to_the_contact()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var sentAt = await RecordAsync(phone, patient);
        var byPatient = Guid.NewGuid();
        var byContact = Guid.NewGuid();
        var otherPatient = Guid.NewGuid();
        var email = Guid.NewGuid();
        await PublishAsync(Status(byPatient, patient, "sent", sentAt, provider: "smsru"));
        await PublishAsync(Status(byPatient, patient, "delivered", sentAt.AddSeconds(5), provider: "smsru"));
        await PublishAsync(Status(byContact, "P-other-id", "blocked", sentAt.AddHours(2), reason: "consent revoked", contact: phone));
        await PublishAsync(Status(otherPatient, "P-someone-else", "sent", sentAt));
        await PublishAsync(Status(email, patient, "sent", sentAt, channel: "email"));

        var evidence = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var json = await GetEvidenceAsync(phone);
            return json.GetProperty("messages").GetArrayLength() >= 2 &&
                   json.GetProperty("messages")[0].GetProperty("statuses").GetArrayLength() >= 2 ? json : null;
        }, Ledger.Patience, "the logged messages in the evidence");

        Assert.Equal(phone, evidence.GetProperty("contact").GetString());
        Assert.Equal(ConsentApp.AdminKeyName, evidence.GetProperty("generatedBy").GetString());
        var records = evidence.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("paper_form", records[0].GetProperty("method").GetString());
        Assert.Equal("Бланк № 555, ред. 2025-09", records[0].GetProperty("documentRef").GetString());
        Assert.Equal("sms-wording-3", records[0].GetProperty("wordingVersion").GetString());
        Assert.Equal("reception-1", records[0].GetProperty("capturedBy").GetString());
        Assert.Equal(ConsentApp.AdminKeyName, records[0].GetProperty("recordedBy").GetString());
        Assert.Equal("api:" + ConsentApp.AdminKeyName, records[0].GetProperty("source").GetString());
        Assert.True(records[0].GetProperty("effective").GetBoolean());
        Assert.False(records[1].GetProperty("granted").GetBoolean());
        Assert.Equal(patient, Assert.Single(evidence.GetProperty("patients").EnumerateArray()).GetProperty("patientId").GetString());

        var messages = evidence.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([byPatient, byContact], messages.Select(m => m.GetProperty("messageId").GetGuid()));
        var sent = messages[0];
        Assert.Equal("patient", sent.GetProperty("matchedBy").GetString());
        Assert.Equal("delivered", sent.GetProperty("lastStatus").GetString());
        Assert.Equal(sentAt, sent.GetProperty("sentAt").GetDateTimeOffset());
        Assert.Equal(["sent", "delivered"], sent.GetProperty("statuses").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        var service = sent.GetProperty("consentInForce").EnumerateArray().Single(c => c.GetProperty("purpose").GetString() == "service");
        Assert.True(service.GetProperty("granted").GetBoolean());
        Assert.Equal(records[0].GetProperty("sequence").GetInt64(), service.GetProperty("record").GetInt64());
        var blocked = messages[1];
        Assert.Equal("contact", blocked.GetProperty("matchedBy").GetString());
        Assert.Equal("consent revoked", blocked.GetProperty("statuses")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_printable_evidence_shows_the_document_method_and_messages()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var sentAt = await RecordAsync(phone, patient);
        var message = Guid.NewGuid();
        await PublishAsync(Status(message, patient, "sent", sentAt, provider: "smsru"));
        await Eventually.TrueAsync(async () => (await GetEvidenceAsync(phone)).GetProperty("messages").GetArrayLength() == 1, Ledger.Patience, "the message log");
        using var client = app.CreateAdminClient();

        var response = await client.GetAsync($"/api/v1/consents/evidence?contact={Uri.EscapeDataString(phone)}&format=html", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Выписка из журнала согласий", html, StringComparison.Ordinal);
        Assert.Contains(phone, html, StringComparison.Ordinal);
        Assert.Contains("Бланк № 555, ред. 2025-09", html, StringComparison.Ordinal);
        Assert.Contains("письменная форма (бумажный бланк) (paper_form)", html, StringComparison.Ordinal);
        Assert.Contains("sms-wording-3", html, StringComparison.Ordinal);
        Assert.Contains("reception-1", html, StringComparison.Ordinal);
        Assert.Contains("ответное сообщение пациента (reply)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains(message.ToString(), html, StringComparison.Ordinal);
        Assert.Contains("передано оператору", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_printable_evidence_words_a_blocked_message_and_a_refused_grant_in_russian()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        using var client = app.CreateAdminClient();
        await PostConsentAsync(client, phone, patient, "paper_form", "Бланк № 777", now.AddDays(-3));
        await app.Services.GetRequiredService<IBus>().Publish(
            new OptOutReceived(Guid.NewGuid(), "sms", phone, ["service"], "reply", "СТОП", null, null, null, now.AddDays(-2)),
            TestContext.Current.CancellationToken);
        await Ledger.WaitForHistoryAsync(app, phone, 2);
        await PostConsentAsync(client, phone, patient, "mis_checkbox", "Бланк № 777", now.AddDays(-1));
        var blocked = Guid.NewGuid();
        var failed = Guid.NewGuid();
        await PublishAsync(new MessageStatusChanged(blocked, "msk-1", patient, "A-2", "sms", "blocked",
            "the patient opted out of sms/service (reply, 2026-11-24 10:00:00Z)", null, now.AddHours(-1), phone, StatusCauses.OptedOut));
        await PublishAsync(new MessageStatusChanged(failed, "msk-1", patient, "A-3", "sms", "failed-permanent",
            "smsru 202: invalid number", "smsru", now.AddMinutes(-30), phone));

        var evidence = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var json = await GetEvidenceAsync(phone);
            return json.GetProperty("messages").GetArrayLength() == 2 && json.GetProperty("records").GetArrayLength() == 3 ? json : null;
        }, Ledger.Patience, "the refused grant and the two messages in the evidence");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync(
            $"/api/v1/consents/evidence?contact={Uri.EscapeDataString(phone)}&format=html", TestContext.Current.CancellationToken));

        // The JSON keeps the codes.
        var refused = Assert.Single(evidence.GetProperty("refusedGrants").EnumerateArray());
        Assert.Equal(evidence.GetProperty("records")[2].GetProperty("sequence").GetInt64(), refused.GetProperty("record").GetInt64());
        Assert.Equal(evidence.GetProperty("records")[1].GetProperty("sequence").GetInt64(), refused.GetProperty("optOutRecord").GetInt64());
        Assert.Equal(["patient-act-method", "new-document-reference"], refused.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("opted-out", evidence.GetProperty("messages")[0].GetProperty("statuses")[0].GetProperty("cause").GetString());

        // The document words them in Russian, and has none of the ledger's or the gateway's English.
        Assert.Contains("пациент сам отказался (ответное сообщение пациента, ", html, StringComparison.Ordinal);
        Assert.Contains("а здесь — отметка в МИС", html, StringComparison.Ordinal);
        Assert.Contains("ссылка на документ должна быть новой, а «Бланк № 777» уже была в деле до отказа", html, StringComparison.Ordinal);
        Assert.Contains("не отправлено (нет согласия) (blocked) — пациент сам отказался от сообщений по этому каналу", html, StringComparison.Ordinal);
        Assert.DoesNotContain("the patient opted out", html, StringComparison.Ordinal);
        Assert.DoesNotContain("needs new evidence", html, StringComparison.Ordinal);
        // A provider's own explanation has no code to word: it is quoted as recorded, and said to be so.
        Assert.Contains("пояснение шлюза в том виде, как оно записано: «smsru 202: invalid number»", html, StringComparison.Ordinal);
    }

    private static async Task PostConsentAsync(HttpClient client, string phone, string patient, string method, string documentRef, DateTimeOffset capturedAt)
    {
        var grant = JsonSerializer.Serialize(new
        {
            clinicId = "msk-1", patientId = patient, phone, channel = "sms", purpose = "service", granted = true, method, documentRef, capturedAt,
        });
        var response = await client.PostAsync("/api/v1/consents", new StringContent(grant, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Statuses_arriving_together_are_each_logged_once_whatever_comes_twice()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var bus = app.Services.GetRequiredService<IBus>();
        var messages = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid()).ToArray();
        var redelivered = Guid.NewGuid();
        var twice = Status(messages[1], patient, "delivered", at.AddSeconds(1), contact: phone);

        // More than one batch at once: every message accepted; the first one's status again under another transport id;
        // the second one's delivery twice under the same transport id (a redelivery).
        await Task.WhenAll(messages.Select(m => bus.Publish(Status(m, patient, "accepted", at, provider: "smsru", contact: phone), TestContext.Current.CancellationToken))
            .Append(bus.Publish(Status(messages[0], patient, "accepted", at, provider: "smsru", contact: phone), TestContext.Current.CancellationToken))
            .Append(bus.Publish(twice, c => c.MessageId = redelivered, TestContext.Current.CancellationToken))
            .Append(bus.Publish(twice, c => c.MessageId = redelivered, TestContext.Current.CancellationToken)));
        var sentinel = Guid.NewGuid();
        await PublishAsync(Status(sentinel, patient, "blocked", at.AddSeconds(2), contact: phone));

        var evidence = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var json = await GetEvidenceAsync(phone);
            return json.GetProperty("messages").GetArrayLength() == 151 ? json : null;
        }, Ledger.Patience, "150 messages and the last one in the evidence");

        var logged = evidence.GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("messageId").GetGuid(), m => m.GetProperty("statuses").EnumerateArray().Select(x => x.GetProperty("status").GetString()).ToList());
        Assert.Equal(messages.Append(sentinel).Order(), logged.Keys.Order());
        Assert.Equal(["accepted"], logged[messages[0]]);
        Assert.Equal(["accepted", "delivered"], logged[messages[1]]);
        Assert.All(messages.Skip(2), m => Assert.Equal(["accepted"], logged[m]));
    }

    [Fact]
    public async Task An_odd_status_is_logged_cut_to_its_columns_and_fails_nothing_that_came_with_it()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var bus = app.Services.GetRequiredService<IBus>();
        var odd = Guid.NewGuid();
        var good = Guid.NewGuid();

        await Task.WhenAll(
            bus.Publish(new MessageStatusChanged(odd, "msk-1", patient, new string('A', 300), "sms", "delivered-to-the-moon-and-back", null, null, at, phone), TestContext.Current.CancellationToken),
            bus.Publish(Status(good, patient, "accepted", at, provider: "smsru", contact: phone), TestContext.Current.CancellationToken));

        var evidence = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var json = await GetEvidenceAsync(phone);
            return json.GetProperty("messages").GetArrayLength() == 2 ? json : null;
        }, Ledger.Patience, "both statuses in the evidence");
        var statuses = evidence.GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("messageId").GetGuid(), m => m.GetProperty("statuses")[0].GetProperty("status").GetString());
        Assert.Equal("accepted", statuses[good]);
        Assert.Equal("delivered-to-the-moo", statuses[odd]);
    }

    [Fact]
    public async Task A_status_the_database_refuses_goes_to_the_error_queue_alone_and_the_rest_of_its_batch_is_logged()
    {
        var phone = Ledger.NewPhone();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var bus = app.Services.GetRequiredService<IBus>();
        var good = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        var refused = Guid.NewGuid();

        // PostgreSQL takes no NUL character in a text: that status fails on its own, whatever is tried again.
        await Task.WhenAll(good.Select(id => bus.Publish(Status(id, patient, "accepted", at, provider: "smsru", contact: phone), TestContext.Current.CancellationToken))
            .Append(bus.Publish(Status(refused, patient, "failed-permanent", at, reason: "code 13\0", contact: phone), TestContext.Current.CancellationToken)));

        var evidence = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var json = await GetEvidenceAsync(phone);
            return json.GetProperty("messages").GetArrayLength() == good.Length ? json : null;
        }, Ledger.Patience, "every good status in the evidence");
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var dead = await Eventually.GetAsync<ReceivedMessage>(async () =>
        {
            while (await broker.GetAsync("consent-message-status-changed_error") is { } received)
            {
                if (JsonDocument.Parse(received.Body).RootElement.GetProperty("message").GetProperty("messageId").GetGuid() == refused)
                {
                    return received;
                }
            }

            return null;
        }, Ledger.Patience, "the refused status in the error queue");

        Assert.Equal(good.Order(), evidence.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("messageId").GetGuid()).Order());
        Assert.Contains("0x00", dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_naming_it()
    {
        using var client = app.CreateAdminClient();

        var response = await client.GetAsync("/api/v1/consents/evidence?contact=%2B79161234567&format=pdf", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("format", out _));
    }

    /// <summary>
    /// A paper-form grant through the API (signed four days ago), then a "СТОП" reply an hour after the returned
    /// moment (with markup in it, to be escaped). The moment is read from the clock after the grant was recorded, as a
    /// message sent under it would be: the ledger stamps records with the real clock, so the test's instants come from it too.
    /// </summary>
    private async Task<DateTimeOffset> RecordAsync(string phone, string patient)
    {
        using var client = app.CreateAdminClient();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var grant = JsonSerializer.Serialize(new
        {
            clinicId = "msk-1", patientId = patient, phone, channel = "sms", purpose = "service", granted = true, method = "paper_form",
            documentRef = "Бланк № 555, ред. 2025-09", wordingVersion = "sms-wording-3", capturedAt = time.GetUtcNow().AddDays(-4), capturedBy = "reception-1",
        });
        Assert.Equal(HttpStatusCode.Created,
            (await client.PostAsync("/api/v1/consents", new StringContent(grant, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).StatusCode);
        // Whole milliseconds: the log keeps microseconds, and the test compares what it reads back.
        var now = time.GetUtcNow();
        var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        await app.Services.GetRequiredService<IBus>().Publish(
            new OptOutReceived(Guid.NewGuid(), "sms", phone, ["service"], "reply", "СТОП <script>", null, null, null, sentAt.AddHours(1)),
            TestContext.Current.CancellationToken);
        await Ledger.WaitForHistoryAsync(app, phone, 2);
        return sentAt;
    }

    private static MessageStatusChanged Status(
        Guid messageId, string patient, string status, DateTimeOffset at, string? provider = null, string? reason = null, string? contact = null,
        string channel = "sms") =>
        new(messageId, "msk-1", patient, "A-1", channel, status, reason, provider, at, contact);

    private async Task PublishAsync(MessageStatusChanged change) =>
        await app.Services.GetRequiredService<IBus>().Publish(change, TestContext.Current.CancellationToken);

    private async Task<JsonElement> GetEvidenceAsync(string contact)
    {
        using var client = app.CreateAdminClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/evidence?contact={Uri.EscapeDataString(contact)}", TestContext.Current.CancellationToken);
    }
}
