using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

// The channel's provider adapter comes with its own issue; the gateway already keeps its consent projection
// current, so its gate is ready the day it sends.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<EmailDbContext>();
builder.AddDeliveryPipeline<EmailDbContext>();
builder.AddServiceMessaging<EmailDbContext>(bus => bus.AddDeliveryConsumers());

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();

app.Run();

public partial class Program;
