using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Campaigns;
using Comms.Audience.Features.Channels;
using Comms.Audience.Features.History;
using Comms.Audience.Features.Imports;
using Comms.Audience.Features.Rules;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Features.Waitlist;
using Comms.Audience.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<AudienceDbContext>();
builder.AddApiKeys();
builder.AddHistory();
builder.AddScoring();
builder.AddChannels();
builder.AddAnalytics();
builder.AddCampaigns();
builder.AddWaitlist();
builder.AddMisIntegration();
builder.AddServiceMessaging<AudienceDbContext>(
    bus => bus.AddHistoryConsumers().AddChannelConsumers().AddWaitlistConsumers(),
    (context, cfg) =>
    {
        cfg.ReceiveHistory(context);
        cfg.ReceiveAnswers(context);
    });

var app = builder.Build();

app.UseServiceDefaults();
app.UseStaffSignIn();
var api = app.MapGroup("/api/v1/audience").RequireApiKey().WithTags("Audience");
api.MapImportEndpoints();
api.MapScoringEndpoints();
api.MapSegmentRulesEndpoints();
api.MapChannelEndpoints();
api.MapPortraitEndpoints();
api.MapWaitlistEndpoints();
app.MapAnalytics();
app.MapCampaignEndpoints();
app.MapCampaignPages();

app.Run();

public partial class Program;
