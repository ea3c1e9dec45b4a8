using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.ServiceDefaults.Access;
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
        builder.Services.AddScoped<GatewayDbContext>(services => services.GetRequiredService<TDbContext>());
        builder.Services.AddScoped<ConsentGate>();
        builder.Services.AddScoped<OptOuts>();
        builder.Services.AddScoped<DeliveryIntake>();
        builder.Services.AddScoped<DeliveryRecorder>();
        builder.Services.AddScoped<ReplyRouter>();
        builder.AddApiKeys();
        return builder;
    }

    public static void AddDeliveryConsumers(this IBusRegistrationConfigurator bus) => bus.AddConsumer<ConsentChangedConsumer>();
}
