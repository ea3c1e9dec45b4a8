using Comms.Feedback.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<FeedbackDbContext>();
builder.AddServiceMessaging<FeedbackDbContext>();

var app = builder.Build();

app.UseServiceDefaults();

app.Run();

public partial class Program;
