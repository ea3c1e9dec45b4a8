using Comms.Mis;
using Comms.Contracts.Templating;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comms.Delivery;

public static class DeliveryExtensions
{
    /// <summary>
    /// The delivery pipeline every gateway shares: consent gate and projection, recorder, reply router, and the API keys
    /// its operator APIs take (<c>Operators:ApiKeys</c>, <c>Mis:Clinics</c>).
    /// </summary>
    public static IHostApplicationBuilder AddDeliveryPipeline<TDbContext>(this IHostApplicationBuilder builder)
        where TDbContext : GatewayDbContext
    {
        builder.AddMisIntegration(); // every status change is told to the MIS too
        builder.Services.AddScoped<GatewayDbContext>(services => services.GetRequiredService<TDbContext>());
        builder.Services.AddScoped<ConsentGate>();
        builder.Services.AddScoped<OptOuts>();
        builder.Services.AddScoped<DeliveryIntake>();
        // The intake drops a repeat by the message's id, in the row committed with its first attempt: no inbox check too.
        builder.Services.AddMessageDeduplicatedByConsumer<SendSms>(batched: true); // Gateway.Sms takes them in batches
        builder.Services.AddMessageDeduplicatedByConsumer<SendEmail>();
        builder.Services.AddMessageDeduplicatedByConsumer<SendWhatsApp>();
        builder.Services.AddMessageDeduplicatedByConsumer<SendMax>();
        builder.Services.AddScoped<DeliveryRecorder>();
        builder.Services.AddScoped<ReplyRouter>();
        builder.AddApiKeys();
        return builder;
    }

    public static void AddDeliveryConsumers(this IBusRegistrationConfigurator bus) => bus.AddConsumer<ConsentChangedConsumer>();
}
