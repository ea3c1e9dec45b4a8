using Comms.Audience.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<AudienceDbContext>();
builder.AddServiceMessaging<AudienceDbContext>(_ => { });

var app = builder.Build();

app.UseServiceDefaults();

app.Run();

public partial class Program;
