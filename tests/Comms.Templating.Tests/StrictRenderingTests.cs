using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Templating.Tests;

public sealed class StrictRenderingTests
{
    private readonly TemplateRenderer _renderer = new();

    [Fact]
    public void A_typo_in_a_variable_is_an_error_with_line_and_column_not_a_blank()
    {
        var result = _renderer.Render("Здравствуйте, {{ patient.fistName }}!", TemplateModels.For("appointment.reminder").Sample, "appointment.reminder");

        Assert.False(result.Succeeded);
        Assert.Contains("строка 1, столбец 18: неизвестная переменная patient.fistName", result.Error);
    }

    [Fact]
    public void Validate_lists_every_unknown_name_with_its_place()
    {
        var errors = _renderer.Validate("{{ patient.firstName }}\nВаш визит {{ apointment.date }} в {{ appointment.tme }}.", "appointment.reminder");

        Assert.Equal(
            [
                new TemplateError(2, 14, "неизвестная переменная apointment.date"),
                new TemplateError(2, 38, "неизвестная переменная appointment.tme"),
            ],
            errors);
        Assert.Equal("строка 2, столбец 14: неизвестная переменная apointment.date", errors[0].ToString());
    }

    [Fact]
    public void Validate_reports_a_syntax_error_with_its_place()
    {
        var errors = _renderer.Validate("Привет\n{{ if patient.firstName }}{{ patient.firstName }}", "appointment.reminder");

        Assert.NotEmpty(errors);
        var error = errors[0];
        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 0);
        Assert.StartsWith("ошибка синтаксиса", error.Reason);
    }

    [Theory]
    [InlineData("appointment.confirmation")]
    [InlineData("appointment.reminder")]
    [InlineData("appointment.missed")]
    [InlineData("appointment.recall")]
    [InlineData("waitlist.offer")]
    [InlineData("waitlist.claimed")]
    [InlineData("waitlist.taken")]
    [InlineData("inbox.reply")]
    public void Seeded_templates_are_valid_for_their_key(string key)
    {
        var seeded = TemplateSeed.All.Where(t => t.Key == key).ToList();

        Assert.NotEmpty(seeded);
        Assert.All(seeded.SelectMany(t => new[] { t.Body, t.Subject, t.Html }).OfType<string>(), text => Assert.Empty(_renderer.Validate(text, key)));
    }

    [Fact]
    public void A_variable_of_the_model_without_a_value_renders_empty_and_is_false_in_if()
    {
        var result = _renderer.Render(
            "[{{ patient.middleName }}]{{ if patient.firstName }}имя{{ else }}без имени{{ end }}",
            new Dictionary<string, string?> { ["patient.firstName"] = null },
            "appointment.reminder");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("[]без имени", result.Text);
    }

    [Fact]
    public void A_variable_of_another_key_is_unknown()
    {
        var errors = _renderer.Validate("{{ feedback.link }}", "appointment.reminder");

        Assert.Equal("неизвестная переменная feedback.link", Assert.Single(errors).Reason);
        Assert.Empty(_renderer.Validate("{{ feedback.link }}", "feedback.request"));
    }

    [Fact]
    public void Names_the_template_defines_itself_and_scriban_builtins_are_not_model_variables()
    {
        var body = "{{ greeting = 'Здравствуйте' }}{{ for i in 1..2 }}{{ i }}{{ end }}{{ capture tail }}!{{ end }}" +
                   "{{ func shout(x) }}{{ ret x | string.upcase }}{{ end }}{{ greeting }}, {{ shout patient.firstName }}{{ tail }}";

        Assert.Empty(_renderer.Validate(body, "appointment.reminder"));
        var result = _renderer.Render(body, new Dictionary<string, string?> { ["patient.firstName"] = "Анна" }, "appointment.reminder");
        Assert.Equal("12Здравствуйте, АННА!", result.Text);
    }

    [Fact]
    public void A_bare_unknown_name_is_an_error()
    {
        Assert.Equal("неизвестная переменная firstName", Assert.Single(_renderer.Validate("{{ firstName }}", "appointment.reminder")).Reason);
    }

    [Fact]
    public void A_key_without_a_catalog_checks_only_the_common_variables()
    {
        var errors = _renderer.Validate("{{ promo.code }} {{ patient.fistName }} {{ clinic.name }}", "birthday.greeting");

        Assert.Equal("неизвестная переменная patient.fistName", Assert.Single(errors).Reason);
    }

    [Fact]
    public void A_published_template_with_a_typo_fails_every_render()
    {
        var template = new MessageTemplate
        {
            Id = Guid.NewGuid(), Key = "appointment.reminder", Channel = "sms", Locale = "ru", Version = 2,
            Body = "{{ patient.fistName }}, ждём вас", Status = TemplateStatuses.Published, Author = "test",
        };

        var first = _renderer.Render(template, TemplateModels.For("appointment.reminder").Sample);
        var second = _renderer.Render(template, new Dictionary<string, string?>());

        Assert.Contains("неизвестная переменная patient.fistName", first.Error);
        Assert.Equal(first.Error, second.Error);
    }

    [Fact]
    public void A_typo_behind_an_indexer_is_unknown_too()
    {
        var errors = _renderer.Validate("{{ patient[\"fistName\"] }} {{ patient[\"firstName\"] }}", "appointment.reminder");

        Assert.Equal("неизвестная переменная patient.fistName", Assert.Single(errors).Reason);
    }

    [Fact]
    public void The_shared_ru_object_cannot_be_changed_by_a_template()
    {
        var model = TemplateModels.For("appointment.reminder").Sample;

        var tampering = _renderer.Render("{{ ru.date = 'x' }}", model, "appointment.reminder");
        var after = _renderer.Render("{{ ru.date appointment.startsAt }}", model, "appointment.reminder");

        Assert.False(tampering.Succeeded);
        Assert.Equal("24 ноября, вт, в 10:30", after.Text);
    }
}
