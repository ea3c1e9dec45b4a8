using Comms.Mis;
using Comms.Scheduling.Features.Appointments;
using Comms.Scheduling.Features.MisEvents;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<SchedulingDbContext>();
builder.AddMisEvents();
builder.AddReminders();
builder.AddMisIntegration();
builder.AddServiceMessaging<SchedulingDbContext>(
    bus => bus.AddSchedulingConsumers(),
    (context, cfg) => cfg.ReceiveMisEvents(context));

var app = builder.Build();

app.UseServiceDefaults();
app.MapMisEventsApi();
app.MapAppointmentsApi();
app.MapRulesApi();

app.Run();

public partial class Program;
