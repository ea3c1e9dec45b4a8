using Comms.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Features.Answers;
using Comms.Gateway.Email.Features.Replies;
using Comms.Gateway.Email.Features.Sending;
using Comms.Gateway.Email.Features.Unsubscribe;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<EmailDbContext>();
builder.AddDeliveryPipeline<EmailDbContext>();
builder.AddUnsubscribe();
builder.AddAnswerLinks();
builder.AddEmailSending();
builder.AddReplyReader();
builder.AddServiceMessaging<EmailDbContext>(bus =>
{
    bus.AddDeliveryConsumers();
    bus.AddConsumer<SendEmailConsumer>();
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapMessagesApi();
app.MapUnsubscribeApi();
app.MapAnswerApi();

app.Run();

public partial class Program;
