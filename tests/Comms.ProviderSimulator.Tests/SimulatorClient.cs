using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
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

    /// <summary>POSTs an SMSC.ru form (login, psw and fmt=3 added unless given) and reads its JSON answer.</summary>
    public async Task<JsonElement> SmscAsync(string script, params (string Key, string Value)[] fields)
    {
        var form = fields.ToList();
        foreach (var (key, value) in new[] { ("login", SimulatorFactory.SmscLogin), ("psw", SimulatorFactory.SmscPassword), ("fmt", "3") })
        {
            if (!form.Exists(f => f.Key == key))
            {
                form.Add((key, value));
            }
        }

        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        using var response = await http.PostAsync($"/smsc/sys/{script}", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Calls SMS Aero v2 with HTTP Basic (the test account's unless given), a JSON body when one is given.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> AeroAsync(
        HttpMethod method, string path, object? body = null, (string Email, string ApiKey)? credentials = null)
    {
        var (email, apiKey) = credentials ?? (SimulatorFactory.AeroEmail, SimulatorFactory.AeroApiKey);
        using var request = new HttpRequestMessage(method, "/smsaero/v2/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{apiKey}")));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
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
