using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;

namespace Comms.Scheduling.Tests;

public sealed class ReminderPlannerTests
{
    private static ClinicRules DefaultOptions() => new()
    {
        SendWindow = new SendWindow { Start = new TimeOnly(9, 0), End = new TimeOnly(21, 0) },
        MinimumLeadTimeMinutes = 120,
        MinimumGapMinutes = 60,
        Sends =
        [
            new SendRule { Kind = "confirmation", HoursBefore = 72, TemplateKey = "appointment.confirmation", Channels = ["sms"] },
            new SendRule { Kind = "reminder", HoursBefore = 24, TemplateKey = "appointment.reminder", Channels = ["sms"] },
            new SendRule { Kind = "reminder", HoursBefore = 2, TemplateKey = "appointment.reminder", Channels = ["sms"] },
        ],
    };

    private static IReadOnlyList<PlannedSend> Plan(Appointment appointment, ClinicRules rules, DateTimeOffset now, bool catchUp = true) =>
        ReminderPlanner.Plan(appointment, rules, ReminderPlanner.ResolveZone(appointment.EffectiveTimeZone, "Europe/Moscow"), now, catchUp);

    private static Appointment At(string startsAt, string zone = "Europe/Moscow") => new()
    {
        ClinicId = "msk-1",
        AppointmentId = "A-1",
        Status = AppointmentStatuses.Booked,
        StartsAt = DateTimeOffset.Parse(startsAt, System.Globalization.CultureInfo.InvariantCulture),
        ClinicTimeZone = zone,
        PatientId = "P-1",
    };

    private static DateTimeOffset Utc(string value) => DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Appointment_days_ahead_gets_confirmation_72h_and_reminders_24h_and_2h_before()
    {
        var plan = Plan(At("2026-11-28T15:00:00+03:00"), DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        Assert.Equal(
            [Utc("2026-11-25T12:00:00Z"), Utc("2026-11-27T12:00:00Z"), Utc("2026-11-28T10:00:00Z")],
            plan.Select(p => p.DueAt));
        Assert.All(plan, p => Assert.Null(p.SkipReason));
        Assert.Equal("confirmation", plan[0].Kind);
    }

    [Fact]
    public void Send_due_in_the_evening_waits_for_the_window_to_open_next_morning()
    {
        // 23:30 MSK appointment on the 28th: the 24 h reminder falls at 23:30 on the 27th, outside 09–21.
        var plan = Plan(At("2026-11-28T23:30:00+03:00"), DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        Assert.Equal(Utc("2026-11-28T06:00:00Z"), plan[1].DueAt); // 09:00 MSK on the 28th
        Assert.Null(plan[1].SkipReason);
    }

    [Fact]
    public void Early_morning_appointment_skips_the_2h_reminder_that_would_fall_before_the_window()
    {
        var plan = Plan(At("2026-11-28T10:30:00+03:00"), DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        var twoHours = plan[2];
        Assert.NotNull(twoHours.SkipReason);
        Assert.Contains("less than 02:00", twoHours.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Late_booking_sends_one_message_now_and_merges_the_overdue_ones()
    {
        var now = Utc("2026-11-23T09:00:00Z"); // 12:00 MSK
        var plan = Plan(At("2026-11-23T15:00:00+03:00"), DefaultOptions(), now);

        Assert.Equal(now, plan[0].DueAt);
        Assert.Null(plan[0].SkipReason);
        Assert.Contains("merged", plan[1].SkipReason, StringComparison.Ordinal);
        Assert.Equal(Utc("2026-11-23T10:00:00Z"), plan[2].DueAt);
        Assert.Null(plan[2].SkipReason);
    }

    [Fact]
    public void Booking_less_than_the_lead_time_ahead_plans_nothing_to_send()
    {
        var plan = Plan(At("2026-11-23T13:00:00+03:00"), DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        Assert.All(plan, p => Assert.NotNull(p.SkipReason));
    }

    [Fact]
    public void Window_uses_the_patients_zone_when_the_mis_gives_one()
    {
        var appointment = At("2026-11-28T15:00:00+03:00");
        appointment.PatientTimeZone = "Asia/Vladivostok"; // UTC+10: the 12:00Z reminder is 22:00 there
        var plan = Plan(appointment, DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        Assert.Equal(Utc("2026-11-27T23:00:00Z"), plan[1].DueAt); // 09:00 in Vladivostok on the 28th
    }

    [Fact]
    public void Daylight_saving_change_keeps_exact_offsets_and_local_window_times()
    {
        // Berlin springs forward on 2026-03-29 at 02:00 local. The appointment is 10:00 CEST on the 30th.
        var options = DefaultOptions();
        options.SendWindow = new SendWindow { Start = new TimeOnly(9, 0), End = new TimeOnly(21, 0) };
        var plan = Plan(At("2026-03-30T10:00:00+02:00", "Europe/Berlin"), options, Utc("2026-03-20T09:00:00Z"));

        // 24 h before, exactly: 10:00 CEST on the 29th, the first CEST day.
        Assert.Equal(Utc("2026-03-29T08:00:00Z"), plan[1].DueAt);
        // 72 h before is 09:00 CET on the 27th (UTC+1): inside the window, unmoved.
        Assert.Equal(Utc("2026-03-27T08:00:00Z"), plan[0].DueAt);
    }

    [Fact]
    public void Window_opening_on_the_daylight_saving_day_is_at_local_opening_time()
    {
        var window = new SendWindow { Start = new TimeOnly(9, 0), End = new TimeOnly(21, 0) };
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        // 05:00 CEST on the change day is before opening: the window opens at 09:00 CEST = 07:00Z.
        Assert.Equal(Utc("2026-03-29T07:00:00Z"), window.NextOpen(Utc("2026-03-29T03:00:00Z"), berlin));
        // 22:00 CET on the eve: next opening is 09:00 CEST the next morning.
        Assert.Equal(Utc("2026-03-29T07:00:00Z"), window.NextOpen(Utc("2026-03-28T21:00:00Z"), berlin));
    }

    [Fact]
    public void Window_with_equal_start_and_end_is_always_open()
    {
        var window = new SendWindow { Start = new TimeOnly(0, 0), End = new TimeOnly(0, 0) };
        var instant = Utc("2026-11-23T01:17:00Z");

        Assert.Equal(instant, window.NextOpen(instant, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")));
    }

    [Fact]
    public void Overnight_window_wraps_midnight()
    {
        var window = new SendWindow { Start = new TimeOnly(22, 0), End = new TimeOnly(6, 0) };
        var utc = TimeZoneInfo.Utc;

        Assert.Equal(Utc("2026-11-23T23:00:00Z"), window.NextOpen(Utc("2026-11-23T23:00:00Z"), utc));
        Assert.Equal(Utc("2026-11-23T22:00:00Z"), window.NextOpen(Utc("2026-11-23T12:00:00Z"), utc));
    }

    [Fact]
    public void After_a_rules_change_a_send_whose_moment_passed_is_recorded_not_sent()
    {
        var now = Utc("2026-11-23T09:00:00Z");
        var plan = Plan(At("2026-11-24T15:00:00+03:00"), DefaultOptions(), now, catchUp: false);

        Assert.Equal("its moment had passed when the clinic's rules changed", plan[0].SkipReason); // 72 h: long gone
        Assert.Null(plan[1].SkipReason); // 24 h: 12:00Z today, still ahead
        Assert.Null(plan[2].SkipReason);
    }

    [Fact]
    public void Answered_appointment_gets_no_new_confirmation_request()
    {
        var appointment = At("2026-11-28T15:00:00+03:00");
        appointment.Confirmation = ConfirmationStatuses.Confirmed;

        var plan = Plan(appointment, DefaultOptions(), Utc("2026-11-23T09:00:00Z"));

        Assert.Equal("the patient already answered the confirmation request", plan[0].SkipReason);
        Assert.All(plan.Skip(1), p => Assert.Null(p.SkipReason));
    }

    [Fact]
    public void Missed_you_message_waits_for_the_window_and_only_when_enabled()
    {
        var rules = DefaultOptions();
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var lateEvening = Utc("2026-11-23T18:30:00Z"); // 21:30 MSK

        Assert.Null(ReminderPlanner.PlanMissed(rules, moscow, lateEvening));
        rules.NoShow = new NoShowRule { Enabled = true, HoursAfter = 1, Channels = ["sms"] };
        var missed = ReminderPlanner.PlanMissed(rules, moscow, lateEvening)!;
        Assert.Equal(Utc("2026-11-24T06:00:00Z"), missed.DueAt); // 09:00 MSK next morning
        Assert.Equal("appointment.missed", missed.Rule.TemplateKey);
    }

    [Fact]
    public void Recall_counts_from_the_visit_per_service_that_has_one()
    {
        var rules = DefaultOptions();
        rules.Services =
        [
            new ServiceRules { Code = "DENT-HYG", Recall = new RecallRule { AfterDays = 180, Channels = ["sms"] } },
            new ServiceRules { Code = "CHECKUP", Recall = new RecallRule { AfterDays = 365, TemplateKey = "checkup.recall", Channels = ["sms"] } },
        ];
        var visit = At("2026-05-20T10:00:00+03:00");

        var recalls = ReminderPlanner.PlanRecalls(visit, ["DENT-HYG", "DENT-CONS", "CHECKUP", "DENT-HYG"], rules, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));

        Assert.Equal([Utc("2026-11-16T07:00:00Z"), Utc("2027-05-20T07:00:00Z")], recalls.Select(r => r.DueAt));
        Assert.Equal(["appointment.recall", "checkup.recall"], recalls.Select(r => r.Rule.TemplateKey));
    }

    [Fact]
    public void Rule_errors_name_the_field_as_json_path_and_as_configuration_key()
    {
        var rules = DefaultOptions();
        rules.Sends[1].HoursBefore = 0;

        var error = Assert.Single(rules.Validate());

        Assert.Equal("sends[1].hoursBefore", error.JsonPath);
        Assert.Equal("Reminders:Defaults:Sends:1:HoursBefore", error.ConfigurationKey("Reminders:Defaults"));
    }
}
