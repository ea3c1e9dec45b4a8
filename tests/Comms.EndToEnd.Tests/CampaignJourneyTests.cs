using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// A campaign through the real processes: a marketer publishes a marketing template in Templating and makes a campaign
/// in Audience, another person approves and launches it; the patient with a marketing consent gets the SMS, with its
/// opt-out line, at the provider; the one without gets nothing. The clinic is the test's own.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class CampaignJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Clinic = "cmp-e2e";
    private const string TemplateKey = "campaign.offer";

    [Fact]
    public async Task An_approved_campaign_reaches_the_consented_patient_by_sms_with_its_opt_out_and_not_the_one_without()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (consented, without) = ($"CJ-{suffix}-1", $"CJ-{suffix}-2");
        var (consentedPhone, withoutPhone) = (MisEvents.NewPhone(), MisEvents.NewPhone());
        await PublishTemplateAsync("{{ patient.firstName }}, приглашаем на профосмотр со скидкой 20 % в {{ clinic.name }}.");

        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        foreach (var (appointment, phone) in new[] { (consented, consentedPhone), (without, withoutPhone) })
        {
            await mis.PublishAsync("mis.events", "appointment.booked",
                MisEvents.Booked("b-" + appointment, appointment, phone, DateTimeOffset.UtcNow.AddDays(-40), clinicId: Clinic));
            await mis.PublishAsync("mis.events", "appointment.completed", JsonSerializer.Serialize(new
            {
                specversion = "1.0", id = "c-" + appointment, source = "mis/clinic-msk-1", type = "appointment.completed",
                data = new { appointmentId = appointment, version = 2, clinic = new { clinicId = Clinic }, amountPaid = 3000 },
            }));
        }

        await mis.PublishAsync("mis.events", "patient.consent_changed",
            MisEvents.ConsentGranted("m-" + consented, "P-" + consented, consentedPhone, purpose: "marketing", clinicId: Clinic));

        using var marketer = await SignInAsync("marketer");
        using var approver = await SignInAsync("approver");
        var now = DateTimeOffset.UtcNow;
        using var created = await marketer.PostAsJsonAsync("api/v1/campaigns", new
        {
            name = "Профосмотр со скидкой",
            clinicIds = new[] { Clinic },
            templateKey = TemplateKey,
            channels = new[] { "sms" },
            startAt = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            windowFrom = "00:00",
            windowTo = "00:00",
            holdoutPercent = 0,
            recentCampaignDays = 0,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Audience has both patients and the one consent (the MIS's events and the ledger's, in their own time).
        await Eventually.TrueAsync(async () =>
        {
            using var preview = await marketer.PostAsync($"api/v1/campaigns/{id}/preview", null);
            var body = await preview.Content.ReadFromJsonAsync<JsonElement>();
            return preview.IsSuccessStatusCode && body.GetProperty("audience").GetInt32() == 2 && body.GetProperty("recipients").GetInt32() == 1;
        }, Patience, () => "the preview counting both patients and the one consent\n" + system.Logs());
        await Eventually.TrueAsync(
            async () => (await system.GatewayConsentsAsync(consentedPhone)).Any(c => c.GetProperty("purpose").GetString() == "marketing" && c.GetProperty("granted").GetBoolean()),
            Patience, () => "the marketing consent at Gateway.Sms\n" + system.Logs());

        // The preview's text, rendered by Templating as it will go, and what the SMS will cost at the development price.
        using (var previewed = await marketer.PostAsync($"api/v1/campaigns/{id}/preview", null))
        {
            var preview = await previewed.Content.ReadFromJsonAsync<JsonElement>();
            var texts = preview.GetProperty("texts").EnumerateArray().ToList();
            Assert.True(texts.Count == 1, preview.GetProperty("cost").ToString());
            var sample = texts[0];
            Assert.StartsWith("Анна, приглашаем на профосмотр", sample.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("Отказ от рассылки: ответьте СТОП", sample.GetProperty("text").GetString(), StringComparison.Ordinal);
            var parts = sample.GetProperty("segments").GetInt32();
            Assert.Equal(parts * 3.5m, preview.GetProperty("cost").GetProperty("total").GetDecimal());
        }

        using var launch = await approver.PostAsync($"api/v1/campaigns/{id}/launch", null);
        Assert.Equal(HttpStatusCode.OK, launch.StatusCode);

        var text = await Eventually.GetAsync<string>(async () => (await system.InboxAsync(consentedPhone))
                .Select(m => m.GetProperty("text").GetString()).FirstOrDefault(t => t is not null && t.Contains("профосмотр", StringComparison.Ordinal)),
            Patience, () => "the campaign's SMS at the provider\n" + system.Logs());
        Assert.StartsWith("Анна, приглашаем на профосмотр со скидкой 20 % в Клиника на Ленина.", text, StringComparison.Ordinal);
        Assert.EndsWith("Отказ от рассылки: ответьте СТОП", text, StringComparison.Ordinal);

        var recipients = (await marketer.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{id}/recipients")).GetProperty("recipients").EnumerateArray()
            .ToDictionary(r => r.GetProperty("patientId").GetString()!, r => r.Clone());
        Assert.Equal("sent", recipients["P-" + consented].GetProperty("state").GetString());
        Assert.Equal(("excluded", "no_consent"), (recipients["P-" + without].GetProperty("state").GetString(), recipients["P-" + without].GetProperty("reason").GetString()));
        Assert.DoesNotContain(await system.InboxAsync(withoutPhone), m => m.GetProperty("text").GetString()!.Contains("профосмотр", StringComparison.Ordinal));
    }

    /// <summary>The chain-wide SMS text of the campaign's key, published by the development marketer (once for the run).</summary>
    private async Task PublishTemplateAsync(string body)
    {
        var templating = system.Templating.Http.BaseAddress!;
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = templating };
        using (var signedIn = await StaffSignInForm.PostAsync(client, "/account/sign-in", "marketer", "marketer-dev-password"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        const string path = $"/api/v1/templates/{TemplateKey}/sms/ru";
        using var draft = await client.PutAsJsonAsync($"{path}/draft", new { body });
        var draftBody = await draft.Content.ReadAsStringAsync();
        Assert.True(draft.IsSuccessStatusCode, draftBody);
        var version = JsonDocument.Parse(draftBody).RootElement.GetProperty("version").GetInt32();
        using var published = await client.PostAsJsonAsync($"{path}/publish", new { version });
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    /// <summary>A development account of Audience's pages, signed in through its sign-in page.</summary>
    private async Task<HttpClient> SignInAsync(string name)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = system.Audience.Http.BaseAddress,
        };
        using var signedIn = await StaffSignInForm.PostAsync(client, "/analytics/sign-in", name, $"{name}-dev-password");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }
}
