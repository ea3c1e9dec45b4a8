using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Features.Linking;
using Comms.Gateway.Max.Features.Sending;
using Comms.Gateway.Max.Features.Webhooks;
using Comms.Gateway.Max.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<MaxDbContext>();
builder.AddDeliveryPipeline<MaxDbContext>();
builder.AddMaxSending();
builder.AddMaxLinking();
builder.AddServiceMessaging<MaxDbContext>(bus =>
{
    bus.AddDeliveryConsumers();
    bus.AddConsumer<SendMaxConsumer>(typeof(SendMaxConsumerDefinition));
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapMaxLinksApi();
app.MapMaxWebhooks();

app.Run();

public partial class Program;
