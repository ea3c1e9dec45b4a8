using Comms.Audience.Features.Channels;
using Comms.Audience.Features.History;
using Comms.Audience.Features.Imports;
using Comms.Audience.Features.Rules;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<AudienceDbContext>();
builder.AddApiKeys();
builder.AddHistory();
builder.AddScoring();
builder.AddChannels();
builder.AddServiceMessaging<AudienceDbContext>(
    bus => bus.AddHistoryConsumers().AddChannelConsumers(),
    (context, cfg) =>
    {
        cfg.ReceiveHistory(context);
        cfg.ReceiveAnswers(context);
    });

var app = builder.Build();

app.UseServiceDefaults();
var api = app.MapGroup("/api/v1/audience").RequireApiKey().WithTags("Audience");
api.MapImportEndpoints();
api.MapScoringEndpoints();
api.MapSegmentRulesEndpoints();
api.MapChannelEndpoints();

app.Run();

public partial class Program;
