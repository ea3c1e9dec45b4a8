using Comms.ServiceDefaults.Sms;
using Comms.Templating.Features.Authoring;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Templating.Tests;

public sealed class TemplatePackTests
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
        ["clinic.phone"] = "+7 495 123-45-67",
    };

    private readonly TemplateRenderer _renderer = new();

    [Fact]
    public void Feedback_request_asks_for_a_digit_and_offers_the_link_in_two_segments()
    {
        // A real link: the page's address and a 128-bit token (22 characters).
        const string link = "https://feedback.clinic.ru/f/Ab3dE6gHj9KlMn0PqRsT2w";
        var byDigit = _renderer.Render(TemplateSeed.Body(TemplateSeed.FeedbackRequestKey), Anna).Text!;
        var byLink = _renderer.Render(TemplateSeed.Body(TemplateSeed.FeedbackRequestKey), new Dictionary<string, string?>(Anna) { ["feedback.link"] = link }).Text!;
        var longName = _renderer.Render(
            TemplateSeed.Body(TemplateSeed.FeedbackRequestKey), new Dictionary<string, string?>(Anna) { ["feedback.link"] = link, ["patient.firstName"] = "Александра" }).Text!;

        Assert.Equal("Анна, оцените, пожалуйста, визит 25.11.2026, Клиника на Ленина: ответьте цифрой от 1 (плохо) до 5 (отлично). Спасибо!", byDigit);
        Assert.Equal($"Анна, оцените визит от 1 до 5 (5 — отлично): цифрой в ответ или по ссылке {link}", byLink);
        Assert.Equal(2, SmsSegments.Count(byDigit).Segments);
        Assert.Equal(2, SmsSegments.Count(byLink).Segments);
        Assert.Equal(2, SmsSegments.Count(longName).Segments);
    }

    [Fact]
    public void Email_templates_render_every_part_and_escape_model_values_in_html()
    {
        var model = new Dictionary<string, string?>(Anna) { ["clinic.name"] = "Клиника <Здоровье> & Co" };

        // The inbox's reply is the person's own words (tested below); every other email names the date and the clinic.
        foreach (var template in TemplateSeed.All.Where(t => t.Channel == "email" && t.Key != TemplateSeed.InboxReplyKey))
        {
            var subject = _renderer.Render(template.Subject!, model);
            var text = _renderer.Render(template.Body, model);
            var html = _renderer.Render(template.Html!, model);

            Assert.True(subject.Succeeded && text.Succeeded && html.Succeeded, $"{template.Key}: {subject.Error}{text.Error}{html.Error}");
            Assert.Contains("25.11.2026", subject.Text);
            Assert.Contains("Клиника <Здоровье> & Co", text.Text);
            Assert.Contains("Клиника &lt;Здоровье&gt; &amp; Co", html.Text);
            Assert.DoesNotContain("<Здоровье>", html.Text);
        }
    }

    [Fact]
    public void Email_confirmation_points_at_the_buttons_the_gateway_adds_and_offers_a_reply_by_digit()
    {
        var template = TemplateSeed.All.Single(t => t is { Channel: "email", Key: TemplateSeed.ConfirmationKey });

        var text = _renderer.Render(template.Body, Anna).Text!;
        var html = _renderer.Render(template.Html!, Anna).Text!;

        Assert.Contains("Подтвердите запись или отмените её по ссылке ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).", text);
        Assert.Contains("Подтвердите запись или отмените её кнопкой ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).", html);

        // The buttons are Gateway.Email's, not the template's: a marketer's edit cannot lose or break them.
        Assert.DoesNotContain("href", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_inbox_reply_goes_as_written_and_is_escaped_in_html()
    {
        var model = new Dictionary<string, string?>(Anna) { ["reply.text"] = "Вход со двора <левее> & выше" };
        var email = TemplateSeed.All.Single(t => t is { Channel: "email", Key: TemplateSeed.InboxReplyKey });

        Assert.Equal("Вход со двора <левее> & выше", _renderer.Render(TemplateSeed.Body(TemplateSeed.InboxReplyKey), model).Text);
        Assert.Equal("<p>Вход со двора &lt;левее&gt; &amp; выше</p>", _renderer.Render(email.Html!, model).Text);
        Assert.Equal("Ответ на ваше сообщение — Клиника на Ленина", _renderer.Render(email.Subject!, model).Text);
    }

    [Fact]
    public void Every_shipped_template_is_publishable()
    {
        foreach (var template in TemplateSeed.All)
        {
            Assert.Empty(DraftValidation.Publishable(template, _renderer));
        }
    }

    [Fact]
    public void A_renderer_position_becomes_line_and_column()
    {
        Assert.Equal(
            "the template does not parse: строка 2, столбец 7: Found <EOF>",
            DraftValidation.WithLineAndColumn("the template does not parse: <input>(2,7) : error : Found <EOF>"));
    }

    [Fact]
    public void Line_diff_keeps_common_lines_and_marks_the_rest()
    {
        var diff = LineDiff.Compute("a\nb\nc\nd", "a\nc\nx\nd\ne");

        Assert.Equal(
            [("same", "a"), ("removed", "b"), ("same", "c"), ("added", "x"), ("same", "d"), ("added", "e")],
            diff.Select(l => (l.Kind, l.Text)).ToList());
        Assert.Equal([("added", "only")], LineDiff.Compute(null, "only").Select(l => (l.Kind, l.Text)).ToList());
    }
}
