using Comms.Templating.Features.Rendering;

namespace Comms.Templating.Tests;

public sealed class RussianHelpersTests
{
    private static readonly Dictionary<string, string?> Anna = new()
    {
        ["patient.firstName"] = "Анна",
        ["patient.middleName"] = "Сергеевна",
        ["patient.lastName"] = "Иванова",
        ["appointment.startsAt"] = "2026-11-24T10:30:00+03:00",
        ["appointment.count"] = "2",
    };

    private readonly TemplateRenderer _renderer = new();

    private string Render(string body, IReadOnlyDictionary<string, string?>? model = null)
    {
        var result = _renderer.Render(body, model ?? Anna, "appointment.reminder");
        Assert.True(result.Succeeded, result.Error);
        return result.Text!;
    }

    [Fact]
    public void Date_is_day_month_weekday_and_time_in_the_offset_of_the_model()
    {
        Assert.Equal("24 ноября, вт, в 10:30", Render("{{ ru.date appointment.startsAt }}"));
        Assert.Equal("24 ноября", Render("{{ ru.day appointment.startsAt }}"));
        Assert.Equal("10:30", Render("{{ ru.time appointment.startsAt }}"));
        Assert.Equal("вторник", Render("{{ appointment.startsAt | ru.weekday }}"));
    }

    [Fact]
    public void Date_is_in_the_patients_offset_even_across_midnight_utc()
    {
        var model = new Dictionary<string, string?> { ["appointment.startsAt"] = "2026-03-01T01:15:00+05:00" };

        Assert.Equal("1 марта, вс, в 01:15", Render("{{ ru.date appointment.startsAt }}", model));
    }

    [Fact]
    public void Date_converts_to_a_named_zone_when_given_one()
    {
        Assert.Equal("24 ноября, вт, в 12:30", Render("{{ ru.date appointment.startsAt 'Asia/Yekaterinburg' }}"));
    }

    [Fact]
    public void Names_in_the_polite_and_the_formal_order()
    {
        Assert.Equal("Анна Сергеевна", Render("{{ ru.name_patronymic patient.firstName patient.middleName }}"));
        Assert.Equal("Иванова Анна", Render("{{ ru.surname_name patient.lastName patient.firstName }}"));
    }

    [Fact]
    public void Missing_parts_of_a_name_leave_no_stray_spaces_and_an_if_still_works()
    {
        var model = new Dictionary<string, string?> { ["patient.firstName"] = "Анна" };

        Assert.Equal("[Анна]", Render("[{{ ru.name_patronymic patient.firstName patient.middleName }}]", model));
        Assert.Equal("[]", Render("[{{ ru.name_patronymic patient.middleName patient.firstName }}]", model));
    }

    [Theory]
    [InlineData(0, "0 дней")]
    [InlineData(1, "1 день")]
    [InlineData(2, "2 дня")]
    [InlineData(4, "4 дня")]
    [InlineData(5, "5 дней")]
    [InlineData(11, "11 дней")]
    [InlineData(12, "12 дней")]
    [InlineData(14, "14 дней")]
    [InlineData(21, "21 день")]
    [InlineData(22, "22 дня")]
    [InlineData(111, "111 дней")]
    [InlineData(101, "101 день")]
    public void Plural_picks_the_russian_form(int number, string expected)
    {
        Assert.Equal(expected, Render($"{{{{ ru.plural {number} \"день\" \"дня\" \"дней\" }}}}"));
    }

    [Fact]
    public void Plural_takes_a_number_that_arrives_as_a_string()
    {
        Assert.Equal("2 приёма", Render("{{ ru.plural appointment.count 'приём' 'приёма' 'приёмов' }}"));
    }

    [Fact]
    public void Helpers_of_an_empty_variable_are_empty()
    {
        Assert.Equal("[]", Render("[{{ ru.date appointment.startsAt }}]", new Dictionary<string, string?>()));
    }

    [Fact]
    public void A_date_that_is_not_iso_8601_fails_the_render()
    {
        var result = _renderer.Render(
            "{{ ru.date appointment.startsAt }}", new Dictionary<string, string?> { ["appointment.startsAt"] = "завтра" }, "appointment.reminder");

        Assert.False(result.Succeeded);
        Assert.Contains("завтра", result.Error);
    }

    [Fact]
    public void An_unknown_helper_is_a_validation_error()
    {
        var errors = _renderer.Validate("{{ ru.dat appointment.startsAt }}", "appointment.reminder");

        var error = Assert.Single(errors);
        Assert.Equal((1, 4), (error.Line, error.Column));
        Assert.Contains("ru.dat", error.Reason);
    }
}
