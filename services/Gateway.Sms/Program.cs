using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Contacts;
using Comms.Gateway.Sms.Features.Costs;
using Comms.Gateway.Sms.Features.Routing;
using Comms.Gateway.Sms.Features.Sending;
using Comms.Gateway.Sms.Features.Webhooks;
using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<SmsDbContext>();
builder.AddDeliveryPipeline<SmsDbContext>();
builder.AddSmsRouting();
builder.AddSmsSending();
builder.AddServiceMessaging<SmsDbContext>(bus =>
{
    bus.AddDeliveryConsumers();
    bus.AddConsumer<SendSmsConsumer>(typeof(SendSmsConsumerDefinition));
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapSmsWebhooks();
app.MapProvidersApi();
app.MapCostsApi();
app.MapFlaggedContactsApi();
app.MapAttemptsApi();

app.Run();

public partial class Program;
