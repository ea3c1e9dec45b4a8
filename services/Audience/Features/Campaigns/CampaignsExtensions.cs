namespace Comms.Audience.Features.Campaigns;

public static class CampaignsExtensions
{
    /// <summary>The campaigns' store, audience, life, results and the dispatcher (section <c>Audience:Campaigns</c>).</summary>
    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<CampaignStore>();
        builder.Services.AddScoped<CampaignAudience>();
        builder.Services.AddScoped<CampaignLifecycle>();
        builder.Services.AddScoped<CampaignResultsReader>();
        builder.Services.AddScoped<CampaignRenderingPreview>();
        builder.Services.AddHttpClient<TemplatingRenderer>();
        builder.Services.AddSingleton<CampaignDispatcher>();
        builder.Services.AddSingleton<JourneyRunner>();
        builder.Services.AddHostedService<CampaignBackground>();
        return builder;
    }
}
