using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Scheduling.Tests;

public sealed class RulesTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private const string FortyEightAndTwoHours = """
        {"sendWindow":{"start":"00:00","end":"00:00"},"sends":[
          {"kind":"reminder","hoursBefore":48,"templateKey":"appointment.reminder","channels":["sms"]},
          {"kind":"reminder","hoursBefore":2,"templateKey":"appointment.reminder","channels":["sms"]}]}
        """;

    [Fact]
    public async Task Rules_api_needs_a_key_and_a_clinic_key_reaches_only_its_own_clinic()
    {
        using var anonymous = app.Factory.CreateClient();
        using var clinicKey = app.CreateClient();

        using var missing = await anonymous.GetAsync("/api/v1/clinics/msk-1/reminder-rules");
        using var foreign = await clinicKey.GetAsync("/api/v1/clinics/spb-2/reminder-rules");
        using var timeline = await clinicKey.GetAsync("/api/v1/clinics/spb-2/appointments/A-1");
        var own = await clinicKey.GetFromJsonAsync<JsonElement>("/api/v1/clinics/msk-1/reminder-rules");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, timeline.StatusCode);
        Assert.Equal("defaults", own.GetProperty("source").GetString());
        Assert.Equal([72, 24, 2], own.GetProperty("rules").GetProperty("sends").EnumerateArray().Select(s => s.GetProperty("hoursBefore").GetInt32()));
    }

    [Fact]
    public async Task Invalid_rules_are_refused_with_every_bad_field_named()
    {
        await using var clinic = await Clinic.OpenAsync(app);

        using var response = await clinic.PutRulesAsync("""
            {"sends":[{"kind":"blast","hoursBefore":0,"templateKey":"","channels":["fax"]}],
             "services":[{"code":"DENT-HYG"}],
             "noShow":{"enabled":true,"hoursAfter":2,"channels":[]}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["noShow.channels", "sends[0].channels", "sends[0].hoursBefore", "sends[0].kind", "sends[0].templateKey", "services[0]"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        var stored = await clinic.Api.GetFromJsonAsync<JsonElement>($"/api/v1/clinics/{clinic.Id}/reminder-rules");
        Assert.Equal("defaults", stored.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("""{"sends":[],"colour":"red"}""", "colour")]
    [InlineData("""{"sends":[{"kind":"reminder","hoursBefore":"soon"}]}""", "sends[0].hoursBefore")]
    [InlineData("""{"sendWindow":{"start":"9 утра","end":"21:00"}}""", "sendWindow.start")]
    public async Task Unreadable_rules_are_refused_naming_the_field(string json, string field)
    {
        await using var clinic = await Clinic.OpenAsync(app);

        using var response = await clinic.PutRulesAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(field, Assert.Single(errors.EnumerateObject()).Name);
    }

    [Fact]
    public async Task Several_unreadable_values_are_all_named_in_one_answer()
    {
        await using var clinic = await Clinic.OpenAsync(app);

        using var response = await clinic.PutRulesAsync("""
            {"sendWindow":{"start":"9 утра","end":21},"minimumLeadTimeMinutes":"two hours",
             "sends":[{"kind":"reminder","hoursBefore":24},{"kind":"reminder","hoursBefore":"soon","channels":"sms"}],"colour":"red"}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["colour", "minimumLeadTimeMinutes", "sendWindow.end", "sendWindow.start", "sends[1].channels", "sends[1].hoursBefore"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        var stored = await clinic.Api.GetFromJsonAsync<JsonElement>($"/api/v1/clinics/{clinic.Id}/reminder-rules");
        Assert.Equal("defaults", stored.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Changed_rules_apply_to_appointments_already_planned_and_a_repeat_changes_nothing()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var id = Clinic.NewId();
        var before = await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(5));
        var twoHours = Clinic.Sends(before).Single(s => s.GetProperty("hoursBefore").GetInt32() == 2).GetProperty("messageId").GetGuid();

        using var put = await clinic.PutRulesAsync(FortyEightAndTwoHours);
        var view = await put.Content.ReadFromJsonAsync<JsonElement>();
        using var again = await clinic.PutRulesAsync(FortyEightAndTwoHours, ifMatch: put.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("clinic", view.GetProperty("source").GetString());
        Assert.Equal("chain-it", view.GetProperty("updatedBy").GetString());
        Assert.Equal(1, view.GetProperty("replannedAppointments").GetInt32());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var after = await clinic.TimelineAsync(id, 1);
        Assert.Equal(4, Clinic.Sends(after).Count);
        Assert.Equal([48, 2], Clinic.Sends(after, "pending").Select(s => s.GetProperty("hoursBefore").GetInt32()));
        Assert.Equal(twoHours, Clinic.Sends(after, "pending").Single(s => s.GetProperty("hoursBefore").GetInt32() == 2).GetProperty("messageId").GetGuid());
        Assert.Equal([72, 24], Clinic.Sends(after, "suppressed").Select(s => s.GetProperty("hoursBefore").GetInt32()));
        Assert.All(Clinic.Sends(after, "suppressed"), s => Assert.Equal("the clinic's reminder rules changed", s.GetProperty("statusReason").GetString()));
    }

    [Fact]
    public async Task Stale_revision_is_refused_and_deleting_returns_to_the_defaults()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(5));
        using var first = await clinic.PutRulesAsync(FortyEightAndTwoHours, ifMatch: "\"0\"");

        using var stale = await clinic.PutRulesAsync(FortyEightAndTwoHours, ifMatch: "\"0\"");
        using var delete = await clinic.Api.DeleteAsync($"/api/v1/clinics/{clinic.Id}/reminder-rules");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal("defaults", (await delete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString());
        var timeline = await clinic.TimelineAsync(id, 1);
        Assert.Equal([72, 24, 2], Clinic.Sends(timeline, "pending").Select(s => s.GetProperty("hoursBefore").GetInt32()));
    }

    [Fact]
    public async Task Service_rules_come_before_specialty_rules_which_come_before_the_clinics()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        using var put = await clinic.PutRulesAsync("""
            {"sendWindow":{"start":"00:00","end":"00:00"},
             "sends":[{"kind":"reminder","hoursBefore":24,"templateKey":"appointment.reminder","channels":["sms"]}],
             "services":[{"code":"DENT-HYG","sends":[{"kind":"reminder","hoursBefore":6,"templateKey":"hygiene.reminder","channels":["sms"]}]}],
             "specialties":[{"specialty":"Стоматолог-хирург","sends":[
               {"kind":"confirmation","hoursBefore":48,"templateKey":"appointment.confirmation","channels":["sms"]},
               {"kind":"reminder","hoursBefore":3,"templateKey":"surgery.reminder","channels":["sms"]}]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var startsAt = DateTimeOffset.UtcNow.AddDays(5);

        var hygiene = await clinic.BookAsync(Clinic.NewId(), startsAt, service: "DENT-HYG", specialty: "Стоматолог-хирург");
        var surgery = await clinic.BookAsync(Clinic.NewId(), startsAt, specialty: "стоматолог-ХИРУРГ");
        var other = await clinic.BookAsync(Clinic.NewId(), startsAt, service: "DENT-CONS");

        Assert.Equal(["hygiene.reminder"], Clinic.Sends(hygiene, "pending").Select(s => s.GetProperty("templateKey").GetString()));
        Assert.Equal(["confirmation:48", "reminder:3"], Clinic.Sends(surgery, "pending").Select(s => $"{s.GetProperty("kind").GetString()}:{s.GetProperty("hoursBefore").GetInt32()}"));
        Assert.Equal([24], Clinic.Sends(other, "pending").Select(s => s.GetProperty("hoursBefore").GetInt32()));
    }

    [Fact]
    public async Task A_rules_change_never_resends_what_went_and_records_a_new_rule_whose_moment_passed()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(30)); // the 72 h confirmation is overdue: it goes now
        await clinic.DispatchDueAsync();

        using var put = await clinic.PutRulesAsync("""
            {"sendWindow":{"start":"00:00","end":"00:00"},"sends":[
              {"kind":"confirmation","hoursBefore":72,"templateKey":"appointment.confirmation","channels":["sms"]},
              {"kind":"reminder","hoursBefore":48,"templateKey":"appointment.reminder","channels":["sms"]},
              {"kind":"reminder","hoursBefore":24,"templateKey":"appointment.reminder","channels":["sms"]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var timeline = await clinic.TimelineAsync(id, 1);
        var confirmation = Assert.Single(Clinic.Sends(timeline, kind: "confirmation"));
        Assert.Equal("dispatched", confirmation.GetProperty("status").GetString());
        var missed = Assert.Single(Clinic.Sends(timeline, "skipped"), s => s.GetProperty("hoursBefore").GetInt32() == 48);
        Assert.Equal("its moment had passed when the clinic's rules changed", missed.GetProperty("statusReason").GetString());
        Assert.Equal([24], Clinic.Sends(timeline, "pending").Select(s => s.GetProperty("hoursBefore").GetInt32()));
        Assert.Equal([2], Clinic.Sends(timeline, "suppressed").Select(s => s.GetProperty("hoursBefore").GetInt32()));
    }
}
