namespace Comms.Gateway.Email.Features.Answers;

public static class AnswersExtensions
{
    public static IHostApplicationBuilder AddAnswerLinks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnswerLinkOptions>().BindConfiguration(AnswerLinkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AnswerLinks>();
        return builder;
    }
}
