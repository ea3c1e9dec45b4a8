using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Max.Tests;

public sealed class LinkingTests(GatewayMaxApp app) : IClassFixture<GatewayMaxApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_personal_link_names_the_bot_and_carries_a_short_url_safe_token()
    {
        var link = await app.IssueLinkAsync(GatewayMaxApp.NewPatientId());

        Assert.StartsWith($"https://max.ru/{GatewayMaxApp.BotName}?start=", link, StringComparison.Ordinal);
        var token = GatewayMaxApp.TokenOf(link);
        Assert.InRange(token.Length, 1, 64);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
    }

    [Fact]
    public async Task Opening_the_link_stores_the_account_publishes_messenger_linked_and_answers_in_the_chat()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var linked = await broker.BindQueueAsync("Comms.Contracts.Delivery:MessengerLinked", "", "fanout");
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var link = await app.IssueLinkAsync(patientId);

        using (var started = await app.StartAsync(userId, GatewayMaxApp.TokenOf(link)))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }

        var message = await broker.WaitForMessageAsync(linked, m => m.GetProperty("patientId").GetString() == patientId, Patience, "MessengerLinked");
        Assert.Equal("max", message.GetProperty("channel").GetString());
        Assert.Equal(GatewayMaxApp.ClinicId, message.GetProperty("clinicId").GetString());
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), message.GetProperty("messengerId").GetString());
        Assert.Contains("bot_started", message.GetProperty("evidence").GetString(), StringComparison.Ordinal);

        using var client = app.CreateClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(message.GetProperty("linkId").GetGuid(), view.GetProperty("linkId").GetGuid());
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.StartsWith("Готово", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_token_links_nothing_and_gets_a_polite_answer()
    {
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        (await app.StartAsync(userId, forged)).Dispose();

        await AssertNotLinkedAsync(patientId);
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.Contains("не подходит", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_link_links_nothing_and_says_so()
    {
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Persistence.MaxDbContext>();
            await db.LinkRequests.Where(r => r.PatientId == patientId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        (await app.StartAsync(userId, token)).Dispose();

        await AssertNotLinkedAsync(patientId);
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.Contains("устарела", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_opened_by_a_second_user_is_refused()
    {
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        var first = GatewayMaxApp.NewUserId();
        var second = GatewayMaxApp.NewUserId();

        (await app.StartAsync(first, token)).Dispose();
        (await app.StartAsync(second, token)).Dispose();

        using var client = app.CreateClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.EndsWith(first.ToString(System.Globalization.CultureInfo.InvariantCulture)[^4..], view.GetProperty("userId").GetString(), StringComparison.Ordinal);
        Assert.Contains("не подходит", Assert.Single(await app.SimulatorMessagesAsync(second)).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_can_forget_a_link()
    {
        var (_, patientId) = await app.LinkedPatientAsync();
        using var client = app.CreateClient();

        using var deleted = await client.DeleteAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertNotLinkedAsync(patientId);
    }

    private async Task AssertNotLinkedAsync(string patientId)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_link_api_takes_the_clinics_own_key_or_an_operators_and_nothing_else()
    {
        var patientId = GatewayMaxApp.NewPatientId();
        var body = new { clinicId = GatewayMaxApp.ClinicId, patientId };

        using (var anonymous = app.CreateClient(apiKey: null))
        using (var refused = await anonymous.PostAsJsonAsync("/api/v1/max/links", body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using (var unknown = app.CreateClient("not-a-configured-key"))
        using (var refused = await unknown.GetAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var other = app.CreateClient(GatewayMaxApp.OtherClinicKey);
        using (var forbidden = await other.PostAsJsonAsync("/api/v1/max/links", body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("spb-1", (await forbidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var forbidden = await other.DeleteAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        // The clinic's own key; without clinicId it means its own clinic.
        using var own = app.CreateClient(GatewayMaxApp.ClinicKey);
        using var issued = await own.PostAsJsonAsync("/api/v1/max/links", new { patientId });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}", issued.Headers.Location?.OriginalString);
        var userId = GatewayMaxApp.NewUserId();
        var link = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        (await app.StartAsync(userId, GatewayMaxApp.TokenOf(link))).Dispose();
        using var view = await own.GetAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
    }

    [Fact]
    public async Task A_message_is_shown_to_its_clinic_and_operators_only_and_the_consent_view_to_operators_only()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));
        await app.WaitForStatusAsync(command.MessageId, "sent");

        using var own = app.CreateClient(GatewayMaxApp.ClinicKey);
        using (var shown = await own.GetAsync($"/api/v1/messages/{command.MessageId}"))
        {
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }

        using var other = app.CreateClient(GatewayMaxApp.OtherClinicKey);
        using (var hidden = await other.GetAsync($"/api/v1/messages/{command.MessageId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var anonymous = app.CreateClient(apiKey: null))
        using (var refused = await anonymous.GetAsync($"/api/v1/messages/{command.MessageId}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var operatorsOnly = await own.GetAsync($"/api/v1/consents?contact={userId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, operatorsOnly.StatusCode);
        }

        using var operatorClient = app.CreateClient();
        var consents = await operatorClient.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={userId}");
        Assert.Contains(consents!, c => c.GetProperty("channel").GetString() == "max" && c.GetProperty("granted").GetBoolean());
    }
}
