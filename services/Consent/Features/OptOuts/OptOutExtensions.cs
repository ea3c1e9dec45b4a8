using MassTransit;

namespace Comms.Consent.Features.OptOuts;

public static class OptOutExtensions
{
    /// <summary>Queue consent-opt-out-received, bound to OptOutReceived by ConfigureEndpoints.</summary>
    public static IBusRegistrationConfigurator AddOptOutConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<OptOutReceivedConsumer>();
        return bus;
    }
}
