using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.WhatsApp.Features.Sending;
using Comms.Gateway.WhatsApp.Features.Webhooks;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<WhatsAppDbContext>();
builder.AddDeliveryPipeline<WhatsAppDbContext>();
builder.AddWhatsAppSending();
builder.AddServiceMessaging<WhatsAppDbContext>(bus =>
{
    bus.AddDeliveryConsumers();
    bus.AddConsumer<SendWhatsAppConsumer>(typeof(SendWhatsAppConsumerDefinition));
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapWhatsAppWebhooks();

app.Run();

public partial class Program;
