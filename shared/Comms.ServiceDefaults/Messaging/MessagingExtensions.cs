using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comms.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>The topic exchange the MIS publishes to (routing key = event type).</summary>
    public const string MisEventsExchange = "mis.events";

    /// <summary>The topic exchange Comms publishes to for the MIS (routing key = event type).</summary>
    public const string CommsEventsExchange = "comms.events";

    /// <summary>
    /// MassTransit on RabbitMQ the Comms way: no usage telemetry, WaitUntilStarted (messages published in the first
    /// moments are not dropped), kebab-case durable queues prefixed with the service name, publisher confirms,
    /// retries that outlast a database or broker outage and skip rejected messages, an alarm and a readiness entry for
    /// every message that reaches an _error queue, the inbox on every consumer and the outbox relay.
    /// Call after <see cref="DatabaseExtensions.AddServiceDatabase{TDbContext}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceMessaging<TDbContext>(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
        where TDbContext : ServiceDbContext
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        DevelopmentSecrets.Require(builder.Environment, $"{RabbitMqOptions.Section}:Password",
            builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>()?.Password ?? new RabbitMqOptions().Password,
            "k8s: the comms-rabbitmq Secret, k8s/overlays/production/secrets/rabbitmq.env");
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox")
            .Validate(o => o.BatchSize is > 0 and <= 1000, "Outbox:BatchSize must be between 1 and 1000")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Outbox:PollInterval must be positive")
            .Validate(o => o.MaxAttempts > 0, "Outbox:MaxAttempts must be positive")
            .Validate(o => o.SetAsideRetryInterval > TimeSpan.Zero, "Outbox:SetAsideRetryInterval must be positive")
            .ValidateOnStart();
        builder.Services.AddHealthChecks().AddCheck<OutboxHealthCheck<TDbContext>>("outbox", tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddOptions<MessageRetryOptions>().BindConfiguration(MessageRetryOptions.Section)
            .Validate(o => o.TransientFor > TimeSpan.Zero, "MessageRetry:TransientFor must be positive")
            .Validate(o => o.MaxInterval >= TimeSpan.FromSeconds(1), "MessageRetry:MaxInterval must be at least 00:00:01")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReceiveQueues>();
        builder.Services.AddSingleton<BrokerQueueCounter>();
        builder.Services.AddSingleton<ErrorQueuesHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<ErrorQueuesHealthCheck>("error-queues", tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddSingleton<OwnInboxMessages>();
        builder.Services.AddSingleton<BatchIsolation>();
        builder.Services.AddSingleton<RawCloudEventPublisher>();

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });

        var prefix = ServiceNames.Kebab(builder.Environment.ApplicationName);
        builder.Services.AddMassTransit(bus =>
        {
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix + "-", includeNamespace: false));
            configureConsumers?.Invoke(bus);

            bus.UsingRabbitMq((context, cfg) =>
            {
                var settings = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(settings.Host, (ushort)settings.Port, settings.VirtualHost, host =>
                {
                    host.Username(settings.Username);
                    host.Password(settings.Password);
                    host.PublisherConfirmation = true;
                    host.ConnectionName(builder.Environment.ApplicationName);
                });
                cfg.PrefetchCount = settings.PrefetchCount;
                // The fields every rendered message shares, not a message of its own: no exchange for it.
                cfg.Publish<Comms.Contracts.Templating.IDeliveryCommand>(publish => publish.Exclude = true);
                cfg.Durable = true;
                cfg.ConnectEndpointConfigurationObserver(context.GetRequiredService<ReceiveQueues>());

                // Two retry policies, the outer for transient failures (the database or the broker away: minutes, with
                // back-off), the inner for the rest (a few quick tries; a rejected message not at all). What neither
                // gets past goes to the queue's _error queue, where ErrorQueuesHealthCheck and the alarm see it.
                var retries = context.GetRequiredService<IOptions<MessageRetryOptions>>().Value;
                cfg.UseMessageRetry(retry =>
                {
                    retry.Intervals(retries.TransientIntervals());
                    retry.Handle<Exception>(TransientFailures.Is);
                });
                cfg.UseMessageRetry(retry =>
                {
                    retry.Intervals(MessageRetryOptions.OtherFailureIntervals);
                    retry.Ignore<MessageRejectedException>();
                    retry.Ignore<Exception>(TransientFailures.Is);
                });
                cfg.UseConsumeFilter(typeof(InboxFilter<>), context);
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });

        // Registered after MassTransit's own hosted service, so the bus is up before the relay publishes.
        builder.Services.AddHostedService<OutboxRelay<TDbContext>>();
        return builder;
    }
}

public static class ServiceNames
{
    /// <summary>"Comms.Gateway.WhatsApp" → "gateway-whatsapp": the prefix of every queue the service owns.</summary>
    public static string Kebab(string applicationName)
    {
        var name = applicationName.StartsWith("Comms.", StringComparison.Ordinal) ? applicationName["Comms.".Length..] : applicationName;
        return name.Replace('.', '-').ToLowerInvariant();
    }
}
