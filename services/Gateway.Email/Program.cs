using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Features.Unsubscribe;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

// Sending email comes with its own issue; the gateway already keeps its consent projection and takes one-click
// unsubscribes, so the gate and the opt-out path are ready the day it sends.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<EmailDbContext>();
builder.AddDeliveryPipeline<EmailDbContext>();
builder.AddUnsubscribe();
builder.AddServiceMessaging<EmailDbContext>(bus => bus.AddDeliveryConsumers());

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapUnsubscribeApi();

app.Run();

public partial class Program;
