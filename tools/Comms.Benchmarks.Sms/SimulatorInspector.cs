using System.Text.Json;

namespace Comms.Benchmarks.Sms;

/// <summary>One SMS in the simulator's inbox: the provider's id, the phone (E.164) and its status there.</summary>
public sealed record InboxEntry(string Id, string To, string Status);

/// <summary>One sms/send call the simulator received: the number asked for and the request-level status code.</summary>
public sealed record SendCall(string? To, int StatusCode);

/// <summary>What the provider saw: the simulator's test API (<c>/sim/messages</c>, <c>/sim/requests</c>).</summary>
public sealed class SimulatorInspector(HttpClient http)
{
    public async Task<List<InboxEntry>> InboxAsync(CancellationToken cancellationToken)
    {
        await using var body = await http.GetStreamAsync("sim/messages", cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return json.RootElement.EnumerateArray()
            .Select(m => new InboxEntry(m.GetProperty("id").GetString()!, m.GetProperty("to").GetString()!, m.GetProperty("status").GetString()!))
            .ToList();
    }

    public async Task<List<SendCall>> RequestsAsync(CancellationToken cancellationToken)
    {
        await using var body = await http.GetStreamAsync("sim/requests", cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return json.RootElement.EnumerateArray()
            .Select(r => new SendCall(
                r.GetProperty("fields").TryGetProperty("to", out var to) ? to.GetString() : null,
                r.GetProperty("statusCode").GetInt32()))
            .ToList();
    }
}
