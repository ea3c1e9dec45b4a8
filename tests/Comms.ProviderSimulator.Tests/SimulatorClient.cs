using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

/// <summary>Calls the simulator the way the gateway and the tests do.</summary>
public sealed class SimulatorClient(HttpClient http) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http => http;

    /// <summary>POSTs SMS.ru's sms/send form with api_id and json=1 added unless given.</summary>
    public async Task<JsonElement> SendAsync(params (string Key, string Value)[] fields)
    {
        var form = fields.ToList();
        if (!form.Exists(f => f.Key == "api_id"))
        {
            form.Add(("api_id", SimulatorFactory.ApiId));
        }

        if (!form.Exists(f => f.Key == "json"))
        {
            form.Add(("json", "1"));
        }

        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        using var response = await http.PostAsync("/smsru/sms/send", content, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public async Task<JsonElement[]> MessagesAsync(string? to = null)
    {
        var url = to is null ? "/sim/messages" : $"/sim/messages?to={Uri.EscapeDataString(to)}";
        return await http.GetFromJsonAsync<JsonElement[]>(url, Ct) ?? [];
    }

    public async Task<JsonElement[]> RequestsAsync() =>
        await http.GetFromJsonAsync<JsonElement[]>("/sim/requests", Ct) ?? [];

    public async Task<HttpResponseMessage> PostJsonAsync(string url, object body) =>
        await http.PostAsJsonAsync(url, body, Ct);

    public void Dispose() => http.Dispose();
}
