using System.ComponentModel.DataAnnotations;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>Section <c>Sms</c>: how the gateway sends, whatever the provider.</summary>
public sealed class SmsSendingOptions
{
    public const string Section = "Sms";

    /// <summary>SMS sent at once; the rest wait in the queue (and meet the consent gate only when their turn comes).</summary>
    [Range(1, 256)]
    public int MaxParallelSends { get; set; } = 8;
}

public sealed class SendSmsConsumerDefinition(IOptions<SmsSendingOptions> options) : ConsumerDefinition<SendSmsConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendSmsConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.ConcurrentMessageLimit = options.Value.MaxParallelSends;
}

public static class SendingExtensions
{
    public static IHostApplicationBuilder AddSmsSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsSendingOptions>().BindConfiguration(SmsSendingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static void AddSmsConsumers(this IBusRegistrationConfigurator bus) => bus.AddConsumer<SendSmsConsumer, SendSmsConsumerDefinition>();
}
