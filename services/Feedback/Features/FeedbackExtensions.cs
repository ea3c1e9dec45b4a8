using Comms.Contracts.Mis;
using Comms.Feedback.Features.Answers;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Replies;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Features.Visits;
using Comms.ServiceDefaults.Access;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Feedback.Features;

public static class FeedbackExtensions
{
    public const string MisEventsQueue = "feedback-mis-events";

    public static IHostApplicationBuilder AddFeedback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddApiKeys();
        builder.Services.AddScoped<VisitProjection>();
        builder.Services.AddScoped<RequestPlanner>();
        builder.Services.AddScoped<AnswerRecorder>();
        builder.Services.AddFailingRows<Guid>("feedback request", "due-requests");
        builder.Services.AddHostedService<DueDispatcher>();
        builder.AddManagerSignIn();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "feedback-af";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        return builder;
    }

    public static void AddFeedbackConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<VisitEventConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<PatientRepliedConsumer>();
    }

    /// <summary>Appointment and patient events, from <c>mis.events</c>: enough to know a completed visit.</summary>
    public static void ReceiveMisEvents(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveMisEvents<VisitEventConsumer>(context, MisEventsQueue, "appointment.*", MisEventTypes.PatientUpdated);
}
