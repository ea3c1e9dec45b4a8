using Comms.Feedback.Features;
using Comms.Feedback.Features.Dashboard;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Page;
using Comms.Feedback.Features.Stats;
using Comms.Feedback.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<FeedbackDbContext>();
builder.AddFeedback();
builder.AddMisIntegration();
builder.AddServiceMessaging<FeedbackDbContext>(
    bus => bus.AddFeedbackConsumers(),
    (context, cfg) => cfg.ReceiveMisEvents(context));

var app = builder.Build();

app.UseServiceDefaults();
app.UseStaffSignIn();
app.MapFeedbackPage();
app.MapStatsApi();
app.MapManagerSignIn();
app.MapDashboard();

app.Run();

public partial class Program;
