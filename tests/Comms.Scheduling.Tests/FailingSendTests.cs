using System.Net;
using System.Text.Json;
using Comms.Testing;
using Npgsql;

namespace Comms.Scheduling.Tests;

/// <summary>
/// A due send that fails every time — its clinic's stored rules a rollback cannot read — holds back no other clinic's
/// reminders: the others go out in the same pass, it waits, and readiness names it.
/// </summary>
public sealed class FailingSendTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    [Fact]
    public async Task A_send_that_fails_every_time_holds_back_no_other_clinics_reminders_and_readiness_names_it()
    {
        await using var broken = await Clinic.OpenAsync(app);
        await using var healthy = await Clinic.OpenAsync(app);
        foreach (var clinic in new[] { broken, healthy })
        {
            using var rules = await clinic.PutRulesAsync("""
                {"sendWindow":{"start":"00:00","end":"00:00"},"sends":[
                  {"kind":"reminder","hoursBefore":24,"templateKey":"appointment.reminder","channels":["sms"]}]}
                """);
            Assert.Equal(HttpStatusCode.OK, rules.StatusCode);
        }

        var stuck = Clinic.NewId();
        var fine = Clinic.NewId();
        await broken.BookAsync(stuck, DateTimeOffset.UtcNow.AddHours(23));
        await healthy.BookAsync(fine, DateTimeOffset.UtcNow.AddHours(23));

        // The broken clinic's reminder first in line; then its rules as a newer release wrote them (a field this one
        // does not know): reading them fails, every time.
        await ExecuteAsync($$"""
            UPDATE scheduled_sends SET "DueAt" = now() - interval '10 minutes' WHERE "ClinicId" = '{{broken.Id}}';
            UPDATE clinic_rules SET "Document" = "Document" || '{"reminderTone":"gentle"}'::jsonb WHERE "ClinicId" = '{{broken.Id}}';
            """);

        await healthy.DispatchDueAsync();

        Assert.Equal("dispatched", Reminder(await healthy.TimelineAsync(fine, 1)).GetProperty("status").GetString());
        Assert.Equal("pending", Reminder(await broken.TimelineAsync(stuck, 1)).GetProperty("status").GetString());

        using var client = app.Factory.CreateClient();
        var readiness = JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("Degraded", readiness.GetProperty("status").GetString());
        var check = readiness.GetProperty("checks").GetProperty("due-sends");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        var description = check.GetProperty("description").GetString()!;
        Assert.StartsWith("1 reminder(s) fail on their own and wait, the others go on", description, StringComparison.Ordinal);
        Assert.Contains(Reminder(await broken.TimelineAsync(stuck, 1)).GetProperty("messageId").GetString()!, description, StringComparison.Ordinal);
        Assert.Contains("JsonException", description, StringComparison.Ordinal);
    }

    private static JsonElement Reminder(JsonElement timeline) => Assert.Single(Clinic.Sends(timeline, kind: "reminder"));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
