using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Templating.Tests;

/// <summary>Two replicas of Templating on one database: a marketer signed in at one is signed in at the other.</summary>
public sealed class KeyRingTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    [Fact]
    public async Task A_cookie_issued_by_one_replica_is_read_by_another_and_the_key_lives_in_the_database()
    {
        using var first = app.CreateBrowserClient();
        using var signIn = await TemplatingApp.PostSignInAsync(first, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Comms.Templating=", StringComparison.Ordinal)).Split(';')[0];

        // Another host of the service: its own container, the same database.
        await using var other = app.Factory.WithWebHostBuilder(builder => builder.UseSetting("Templating:Sms:Currency", "RUB"));
        using var second = other.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me") { Headers = { { "Cookie", cookie } } };
        using var me = await second.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(TemplatingApp.Marketer, (await me.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("userName").GetString());
        await using var scope = app.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<TemplatingDbContext>().DataProtectionKeys.ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(keys, k => k.Xml.Contains("<key ", StringComparison.Ordinal));
    }
}
