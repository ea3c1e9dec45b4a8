using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Templating.Tests;

/// <summary>The front desk's saved answers as the Inbox asks for them: the published <c>inbox.quick.*</c> texts, rendered.</summary>
public sealed class QuickRepliesApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_operator_gets_the_shipped_quick_replies_rendered_for_the_patient_and_clinic()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);
        using var anonymous = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/quick-replies", new
        {
            clinicId = "msk-1",
            model = new Dictionary<string, string?> { ["patient.firstName"] = "Анна", ["clinic.name"] = "Клиника на Ленина", ["clinic.address"] = "ул. Ленина, 5" },
        }, Cancel);
        using var refused = await anonymous.PostAsJsonAsync("/api/v1/quick-replies", new { clinicId = "msk-1" }, Cancel);
        using var badChannel = await client.PostAsJsonAsync("/api/v1/quick-replies", new { clinicId = "msk-1", channel = "fax" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r);
        Assert.Equal(["inbox.quick.address", "inbox.quick.phone"], replies.Keys.Order());
        Assert.Equal("Анна, мы находимся по адресу: ул. Ленина, 5 (Клиника на Ленина). Ждём вас!", replies["inbox.quick.address"].GetProperty("text").GetString());
        Assert.Equal("Анна, позвоните нам в регистратуру (Клиника на Ленина): будем рады помочь!", replies["inbox.quick.phone"].GetProperty("text").GetString());
        Assert.Equal("Быстрый ответ: адрес и как добраться", replies["inbox.quick.address"].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badChannel.StatusCode);
    }
}
