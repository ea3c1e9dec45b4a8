namespace Comms.Audience.Features.Scoring;

public static class ScoringExtensions
{
    public static IHostApplicationBuilder AddScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AudienceOptions>().BindConfiguration(AudienceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ScoringCache>();
        builder.Services.AddScoped<AudienceScoring>();
        builder.Services.AddScoped<Rules.SegmentRulesStore>();
        builder.Services.AddHostedService<Watch.SegmentWatcher>();
        return builder;
    }
}
