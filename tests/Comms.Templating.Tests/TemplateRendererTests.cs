using Comms.ServiceDefaults.Sms;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Templating.Tests;

public sealed class TemplateRendererTests
{
    private static readonly Dictionary<string, string?> Anna = new()
    {
        ["patient.firstName"] = "Анна",
        ["appointment.date"] = "25.11.2026",
        ["appointment.time"] = "10:30",
        // A slot of the waitlist, and until when its offer waits for an answer (a day ahead: the longer form).
        ["slot.date"] = "25.11.2026",
        ["slot.time"] = "10:30",
        ["offer.until"] = "24.11 18:30",
        ["clinic.name"] = "Клиника на Ленина",
        ["clinic.address"] = "ул. Ленина, 5",
    };

    private readonly TemplateRenderer _renderer = new();

    [Fact]
    public void Dotted_model_keys_become_nested_objects_with_names_kept_as_written()
    {
        var result = _renderer.Render("{{ patient.firstName }} / {{ clinic.name }} / {{ appointment.date }}", Anna);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("Анна / Клиника на Ленина / 25.11.2026", result.Text);
    }

    [Fact]
    public void Reminder_reads_naturally_with_every_variable()
    {
        var result = _renderer.Render(TemplateSeed.Body(TemplateSeed.ReminderKey), Anna);

        Assert.Equal("Анна, напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.", result.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_first_name_renders_a_natural_sentence(string? firstName)
    {
        var model = new Dictionary<string, string?>(Anna) { ["patient.firstName"] = firstName };

        var confirmation = _renderer.Render(TemplateSeed.Body(TemplateSeed.ConfirmationKey), model);
        var reminder = _renderer.Render(TemplateSeed.Body(TemplateSeed.ReminderKey), model);

        Assert.Equal("Вы записаны на приём 25.11.2026 в 10:30, Клиника на Ленина. Ответьте 1 — подтвердить, 2 — отменить.", confirmation.Text);
        Assert.Equal("Напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.", reminder.Text);
    }

    [Fact]
    public void Missing_clinic_details_leave_no_dangling_commas()
    {
        var model = new Dictionary<string, string?> { ["appointment.date"] = "25.11.2026", ["appointment.time"] = "10:30" };

        var reminder = _renderer.Render(TemplateSeed.Body(TemplateSeed.ReminderKey), model);
        var missed = _renderer.Render(TemplateSeed.Body(TemplateSeed.MissedKey), new Dictionary<string, string?>());

        Assert.Equal("Напоминаем о приёме 25.11.2026 в 10:30.", reminder.Text);
        Assert.Equal("Мы не дождались вас на приёме. Если приём ещё нужен, запишитесь снова.", missed.Text);
    }

    [Fact]
    public void Seeded_sms_templates_fit_two_ucs2_segments_and_never_say_null()
    {
        foreach (var template in TemplateSeed.All.Where(t => t.Channel == Comms.Contracts.Channels.Sms))
        {
            var text = _renderer.Render(template, Anna).Text!;

            Assert.DoesNotContain("null", text, StringComparison.OrdinalIgnoreCase);
            Assert.True(SmsSegments.Count(text).Segments <= 2, $"{template.Key} takes {SmsSegments.Count(text).Segments} segments: {text.Length} chars");
        }
    }

    [Fact]
    public void Recall_names_the_last_visit_and_no_service()
    {
        var model = new Dictionary<string, string?>(Anna) { ["service.name"] = "Профессиональная гигиена" };

        var recall = _renderer.Render(TemplateSeed.Body(TemplateSeed.RecallKey), model).Text;
        var anonymous = _renderer.Render(TemplateSeed.Body(TemplateSeed.RecallKey), new Dictionary<string, string?> { ["appointment.date"] = "25.05.2026" }).Text;

        Assert.Equal("Анна, подошёл срок планового визита, рекомендованного после приёма 25.11.2026, Клиника на Ленина. Запишитесь, пожалуйста.", recall);
        Assert.Equal("Подошёл срок планового визита, рекомендованного после приёма 25.05.2026. Запишитесь, пожалуйста.", anonymous);
    }

    [Fact]
    public void Confirmation_asks_for_1_or_2()
    {
        var text = _renderer.Render(TemplateSeed.Body(TemplateSeed.ConfirmationKey), Anna).Text!;

        Assert.Contains("1 — подтвердить", text);
        Assert.Contains("2 — отменить", text);
    }

    [Fact]
    public void Include_is_refused()
    {
        var result = _renderer.Render("Hello {{ include 'secrets.txt' }}", Anna);

        Assert.False(result.Succeeded);
        Assert.Contains("include", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{{ while true }}x{{ end }}")]
    [InlineData("{{ for i in 1..1000000 }}{{ i }}{{ end }}")]
    public void Endless_loops_are_stopped(string body)
    {
        var result = _renderer.Render(body, Anna);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Runaway_recursion_is_stopped()
    {
        var result = _renderer.Render("{{ func f(x); ret f(x) + 1; end; f(1) }}", Anna);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Dotnet_objects_are_not_reachable()
    {
        var result = _renderer.Render("[{{ patient.firstName.GetType }}][{{ patient.firstName.Length }}][{{ patient.firstName.length }}]", Anna);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("[][][]", result.Text);
    }

    [Fact]
    public void Parse_error_names_the_problem_and_where()
    {
        var result = _renderer.Render("Здравствуйте, {{ if patient.firstName }}{{ patient.firstName }}", Anna);

        Assert.False(result.Succeeded);
        Assert.Contains("does not parse", result.Error);
        Assert.Contains("строка 1, столбец", result.Error);
    }

    [Fact]
    public void A_key_that_is_both_a_value_and_a_parent_keeps_the_value()
    {
        var model = new Dictionary<string, string?> { ["clinic"] = "Клиника", ["clinic.name"] = "Другая" };

        var result = _renderer.Render("{{ clinic }}", model);

        Assert.Equal("Клиника", result.Text);
    }
}
