namespace Comms.Templating.Features.Rendering;

public static class RenderingExtensions
{
    public static IHostApplicationBuilder AddTemplateRendering(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TemplateRenderer>();
        builder.Services.AddOptions<SmsEconomicsOptions>()
            .BindConfiguration(SmsEconomicsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
