using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The waitlist through the real processes: the MIS puts two patients on the list and frees a slot; both get the
/// offer by SMS at the provider, both answer «1» at the same moment; the MIS hears <c>slot.claimed</c> once, the winner
/// is told the time is theirs and the other that it is taken. The clinic is the test's own.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class WaitlistJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Clinic = "wl-e2e";

    [Fact]
    public async Task Two_patients_offered_a_freed_slot_answer_at_once_and_exactly_one_gets_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var patients = new[] { $"P-WJ-{suffix}-1", $"P-WJ-{suffix}-2" };
        var phones = patients.ToDictionary(p => p, _ => MisEvents.NewPhone());
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var claims = await mis.BindQueueAsync("comms.events", "slot.claimed");
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3));
        foreach (var patient in patients)
        {
            await system.GrantSmsConsentAsync(mis, patient, phones[patient], Clinic);
            await mis.PublishAsync("mis.events", "waitlist.added", Event("waitlist.added", new
            {
                entryId = "W-" + patient,
                clinic = new { clinicId = Clinic, name = "Клиника на Ленина", timeZone = "Europe/Moscow" },
                patient = new { patientId = patient, firstName = "Анна", phone = phones[patient] },
                doctor = new { doctorId = "D-5" },
                period = new { from = Text(now), to = Text(now.AddDays(14)) },
            }));
        }

        // Audience has both entries, each reachable by SMS under its service consent.
        await Eventually.TrueAsync(async () =>
        {
            var entries = (await WaitlistAsync()).GetProperty("entries");
            return entries.GetArrayLength() == 2 && entries.EnumerateArray().All(e => e.GetProperty("offerChannel").GetString() == "sms");
        }, Patience, () => "both entries with their SMS consent at Audience\n" + system.Logs());

        var startsAt = new DateTimeOffset(now.Date.AddDays(2).AddHours(10).AddMinutes(30), now.Offset);
        await mis.PublishAsync("mis.events", "slot.freed", Event("slot.freed", new
        {
            slotId = "SL-" + suffix,
            clinic = new { clinicId = Clinic, name = "Клиника на Ленина", timeZone = "Europe/Moscow" },
            doctor = new { doctorId = "D-5", name = "Петров Павел Петрович" },
            startsAt = Text(startsAt),
            durationMinutes = 30,
        }));
        var offered = $"Анна, освободилось время {startsAt.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)} в 10:30, Клиника на Ленина. Ответьте 1 до ";
        foreach (var patient in patients)
        {
            await Eventually.TrueAsync(async () => (await system.InboxAsync(phones[patient])).Any(m => m.GetProperty("text").GetString()!.StartsWith(offered, StringComparison.Ordinal)),
                Patience, () => $"the offer at {patient}'s phone\n" + system.Logs());
        }

        var replies = await Task.WhenAll(patients.Select(p => system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phones[p], text = "1" })));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));

        var claim = await mis.WaitForAsync(claims, e => e.GetProperty("data").GetProperty("clinicId").GetString() == Clinic, Patience, () => "slot.claimed\n" + system.Logs());
        var winner = claim.GetProperty("data").GetProperty("patientId").GetString()!;
        Assert.Contains(winner, patients);
        Assert.Equal(("SL-" + suffix, "W-" + winner, "D-5"), (claim.GetProperty("data").GetProperty("slotId").GetString(),
            claim.GetProperty("data").GetProperty("entryId").GetString(), claim.GetProperty("data").GetProperty("doctorId").GetString()));
        var loser = patients.Single(p => p != winner);
        await Eventually.TrueAsync(async () => (await system.InboxAsync(phones[winner])).Any(m => m.GetProperty("text").GetString()!.Contains("за вами", StringComparison.Ordinal)),
            Patience, () => "the winner told\n" + system.Logs());
        await Eventually.TrueAsync(async () => (await system.InboxAsync(phones[loser])).Any(m => m.GetProperty("text").GetString()!.Contains("уже занято", StringComparison.Ordinal)),
            Patience, () => "the other told\n" + system.Logs());

        var slot = (await WaitlistAsync()).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal(("claimed", winner), (slot.GetProperty("status").GetString(), slot.GetProperty("claimedPatientId").GetString()));
        Assert.Equal(["taken", "won"], slot.GetProperty("offers").EnumerateArray().Select(o => o.GetProperty("state").GetString()).Order());
        Assert.Empty(await mis.DrainAsync(claims));
    }

    /// <summary>The clinic's waitlist as its IT reads it (an operator's key: the clinic is not one of the MIS keys).</summary>
    private async Task<JsonElement> WaitlistAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/audience/clinics/{Clinic}/waitlist");
        request.Headers.Add(TestKeys.Header, TestKeys.Operator);
        using var client = new HttpClient { BaseAddress = system.Audience.Http.BaseAddress };
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Text(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Event(string type, object data) => JsonSerializer.Serialize(new
    {
        specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/" + Clinic, type, time = DateTimeOffset.UtcNow, data,
    });
}
