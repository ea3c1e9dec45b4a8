using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Gateway.Email.Features.Unsubscribe;
using Comms.Gateway.Email.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

public sealed class UnsubscribeTests(EmailGatewayApp app) : IClassFixture<EmailGatewayApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Emails_carry_one_click_unsubscribe_headers()
    {
        var headers = Links.HeadersFor(Request("anna@example.ru"));

        var links = headers["List-Unsubscribe"].Split(", ");
        Assert.Equal(2, links.Length);
        Assert.StartsWith("<https://comms.example-clinic.ru/unsubscribe/", links[0], StringComparison.Ordinal);
        Assert.StartsWith("<mailto:unsubscribe@example-clinic.ru?subject=unsubscribe%20", links[1], StringComparison.Ordinal);
        Assert.All(links, link => Assert.EndsWith(">", link, StringComparison.Ordinal));
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task One_click_post_revokes_at_once_and_reaches_the_ledger_once()
    {
        var email = $"p{Guid.NewGuid():N}@example.ru";
        var token = Links.TokenFor(Request(email));
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        using var client = app.CreateClient();

        using var first = await client.PostAsync($"/unsubscribe/{token}", OneClick());
        using var again = await client.PostAsync($"/unsubscribe/{token}", OneClick());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var state = Assert.Single((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!);
        Assert.False(state.GetProperty("granted").GetBoolean());
        Assert.Equal("marketing", state.GetProperty("purpose").GetString());

        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == email, Patience, "OptOutReceived");
        Assert.Equal("email_link", optOut.GetProperty("method").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", optOut.GetProperty("evidence").GetString());
        Assert.Equal(["marketing"], optOut.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));

        // The second post was recorded nowhere: one opt-out reaches the ledger.
        Assert.Empty(await OptOutsRelayedAsync(broker, optOuts, email));
    }

    [Fact]
    public async Task An_old_link_used_again_after_a_new_consent_unsubscribes_again()
    {
        var email = $"p{Guid.NewGuid():N}@example.ru";
        var token = Links.TokenFor(Request(email));
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        using var client = app.CreateClient();
        using (var first = await client.PostAsync($"/unsubscribe/{token}", OneClick()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var unsubscribed = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == email, Patience, "OptOutReceived");

        // The patient subscribes again on the clinic's web form; the ledger accepts it over the unsubscribe.
        var unsubscribedAt = unsubscribed.GetProperty("receivedAt").GetDateTimeOffset();
        await new EmailDriver(app).ConsentAsync(email, "marketing", capturedAt: unsubscribedAt.AddMinutes(5), acceptedOverOptOutAt: unsubscribedAt);
        Assert.True(Assert.Single((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!).GetProperty("granted").GetBoolean());

        // Weeks later the patient follows the link of an old mail: «Готово» must be true.
        using var again = await client.PostAsync($"/unsubscribe/{token}", new FormUrlEncodedContent([new("confirm", "1")]));

        Assert.Contains("id=\"done\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Assert.Single((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!).GetProperty("granted").GetBoolean());
        var second = Assert.Single(await OptOutsRelayedAsync(broker, optOuts, email));
        Assert.Equal(("email_link", "unsubscribe page, confirmed"), (second.GetProperty("method").GetString(), second.GetProperty("evidence").GetString()));
    }

    [Fact]
    public async Task Link_page_asks_first_and_following_the_link_alone_changes_nothing()
    {
        var email = $"p{Guid.NewGuid():N}@example.ru";
        var token = Links.TokenFor(Request(email));
        using var client = app.CreateClient();

        using var page = await client.GetAsync($"/unsubscribe/{token}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"unsubscribe\"", html, StringComparison.Ordinal);
        Assert.Contains(email, html, StringComparison.Ordinal);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!);

        using var confirmed = await client.PostAsync($"/unsubscribe/{token}", new FormUrlEncodedContent([new("confirm", "1")]));
        Assert.Contains("id=\"done\"", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Assert.Single((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!).GetProperty("granted").GetBoolean());
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("eyJjb250YWN0IjoiYUBiLnJ1In0.AAAA")]
    public async Task Forged_or_damaged_links_are_refused_with_problem_details(string token)
    {
        using var client = app.CreateClient();

        using var post = await client.PostAsync($"/unsubscribe/{token}", OneClick());
        using var get = await client.GetAsync($"/unsubscribe/{token}");

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
    }

    [Fact]
    public async Task Token_signed_for_one_address_cannot_be_edited_into_another()
    {
        var token = Links.TokenFor(Request("anna@example.ru"));
        var forged = Links.TokenFor(Request("boris@example.ru"));
        var spliced = forged[..forged.IndexOf('.', StringComparison.Ordinal)] + token[token.IndexOf('.', StringComparison.Ordinal)..];
        using var client = app.CreateClient();

        using var response = await client.PostAsync($"/unsubscribe/{spliced}", OneClick());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_without_the_one_click_field_is_not_an_unsubscribe()
    {
        var email = $"p{Guid.NewGuid():N}@example.ru";
        using var client = app.CreateClient();

        using var response = await client.PostAsync($"/unsubscribe/{Links.TokenFor(Request(email))}", new FormUrlEncodedContent([new("x", "y")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!);
    }

    private UnsubscribeLinks Links => app.Services.GetRequiredService<UnsubscribeLinks>();

    /// <summary>
    /// The OptOutReceived messages for <paramref name="email"/> still in the queue once the gateway's outbox is empty:
    /// by then everything it recorded was published and confirmed by the broker, so nothing more is on its way.
    /// </summary>
    private async Task<List<JsonElement>> OptOutsRelayedAsync(RabbitQueueProbe broker, string queue, string email)
    {
        await Eventually.TrueAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return !await scope.ServiceProvider.GetRequiredService<EmailDbContext>().OutboxMessages.AnyAsync();
        }, Patience, "the gateway's outbox relayed");
        return [.. (await broker.DrainAsync(queue))
            .Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("message").Clone())
            .Where(m => m.GetProperty("contact").GetString() == email)];
    }

    private static UnsubscribeRequest Request(string email) => new(email, "marketing", Guid.CreateVersion7(), "msk-1", "P-1");

    private static FormUrlEncodedContent OneClick() => new([new("List-Unsubscribe", "One-Click")]);
}
