using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Replies;

public static class RepliesExtensions
{
    /// <summary>The reply mailbox's reader (<see cref="ReplyMailboxReader"/>), unless <c>Email:Imap:Enabled</c> is false.</summary>
    public static IHostApplicationBuilder AddReplyReader(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ImapOptions>, ImapOptionsValidator>();
        builder.Services.AddScoped<ReplyMailHandler>();
        builder.Services.AddHostedService<ReplyMailboxReader>();
        return builder;
    }
}
