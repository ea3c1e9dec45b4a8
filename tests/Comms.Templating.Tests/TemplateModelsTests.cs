using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Templating.Tests;

public sealed class TemplateModelsTests
{
    [Theory]
    [InlineData("appointment.confirmation")]
    [InlineData("appointment.reminder")]
    [InlineData("appointment.missed")]
    [InlineData("appointment.recall")]
    [InlineData("feedback.request")]
    [InlineData("feedback.followup")]
    public void Every_key_scheduling_and_feedback_use_has_typed_described_variables_with_samples(string key)
    {
        var model = TemplateModels.For(key);

        Assert.True(model.IsCataloged);
        Assert.Contains(model.Variables, v => v.Name == "patient.firstName");
        Assert.Contains(model.Variables, v => v.Name == "clinic.name");
        Assert.All(model.Variables, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Type));
            Assert.False(string.IsNullOrWhiteSpace(v.Description));
            Assert.False(string.IsNullOrWhiteSpace(v.Sample));
            Assert.Equal(v.Sample, model.Sample[v.Name]);
        });
        Assert.Equal(model.Variables.Count, model.Variables.Select(v => v.Name).Distinct().Count());
    }

    [Fact]
    public void Feedback_request_has_the_link_and_the_visit_date()
    {
        var names = TemplateModels.For("feedback.request").Variables.Select(v => v.Name).ToList();

        Assert.Contains("feedback.link", names);
        Assert.Contains("appointment.date", names);
    }

    [Fact]
    public void Appointment_keys_offer_every_variable_scheduling_sends()
    {
        string[] scheduling =
        [
            "patient.firstName", "patient.middleName", "patient.lastName", "appointment.id", "appointment.date", "appointment.time",
            "appointment.weekday", "appointment.startsAt", "appointment.count", "clinic.id", "clinic.name", "clinic.address",
            "clinic.phone", "doctor.name", "service.name",
        ];

        Assert.Equal(scheduling.Order(), TemplateModels.For("appointment.reminder").Variables.Select(v => v.Name).Order());
    }

    [Fact]
    public void An_unknown_key_offers_the_common_variables()
    {
        var model = TemplateModels.For("birthday.greeting");

        Assert.False(model.IsCataloged);
        Assert.Equal(TemplateModels.Common, model.Variables);
    }

    [Fact]
    public void The_sample_model_renders_each_seeded_template_in_full()
    {
        var renderer = new TemplateRenderer();
        foreach (var template in TemplateSeed.All)
        {
            var text = renderer.Render(template, TemplateModels.For(template.Key).Sample).Text;

            Assert.StartsWith("Анна, ", text);
            // The SMS feedback request with its page link leaves the clinic's name to the sender's name, to fit two parts.
            if (!(template.Key == TemplateSeed.FeedbackRequestKey && template.Channel == "sms"))
            {
                Assert.Contains("Клиника на Ленина", text);
            }
        }
    }
}
