using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Sending;
using Comms.Gateway.Sms.Features.Webhooks;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers.SmsRu;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<SmsDbContext>();
builder.AddDeliveryPipeline<SmsDbContext>();
builder.AddSmsRu();
builder.AddSmsSending();
builder.AddServiceMessaging<SmsDbContext>(bus =>
{
    bus.AddDeliveryConsumers();
    bus.AddSmsConsumers();
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapSmsRuWebhooks();

app.Run();

public partial class Program;
