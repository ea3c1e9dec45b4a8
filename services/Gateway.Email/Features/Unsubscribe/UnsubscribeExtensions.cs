namespace Comms.Gateway.Email.Features.Unsubscribe;

public static class UnsubscribeExtensions
{
    public static IHostApplicationBuilder AddUnsubscribe(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UnsubscribeOptions>().BindConfiguration(UnsubscribeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UnsubscribeLinks>();
        return builder;
    }
}
