using Comms.Inbox.Persistence;
using Comms.StaffAccounts;

namespace Comms.Inbox.Features.Conversations;

/// <summary>Staff sign-in to the inbox (Comms.StaffAccounts): accounts with the role <c>reception</c>, each limited to its clinics.</summary>
public static class InboxSignIn
{
    public const string Policy = "InboxReception";

    public static readonly StaffSite Site = new()
    {
        Name = "Comms.Inbox",
        Title = "Сообщения пациентов",
        CookieName = "Comms.Inbox",
        Path = "/",
        Accounts = "/inbox",
        Home = "/inbox",
        ApiPath = "/api/v1/inbox",
        Roles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Reception },
    };

    public static IHostApplicationBuilder AddInbox(this IHostApplicationBuilder builder)
    {
        builder.AddStaffSignIn<InboxDbContext>(Site);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Site.Cookie).RequireRole(StaffRoles.Reception));
        builder.Services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ConversationBook>();
        builder.Services.AddScoped<InboxDesk>();
        builder.Services.AddHttpClient<QuickReplies>();
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveFeed>());
        builder.Services.AddHostedService<Retention>();
        return builder;
    }
}
