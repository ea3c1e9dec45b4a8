using MassTransit;

namespace Comms.Audience.Features.Waitlist;

public static class WaitlistExtensions
{
    public static IHostApplicationBuilder AddWaitlist(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WaitlistOptions>().BindConfiguration(WaitlistOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<WaitlistOffers>();
        builder.Services.AddScoped<WaitlistBook>();
        builder.Services.AddSingleton<WaitlistRunner>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddWaitlistConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<WaitlistReplyConsumer>();
        return bus;
    }
}
