using Comms.Inbox.Features.Conversations;
using Comms.Inbox.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<InboxDbContext>();
builder.AddInbox();
builder.AddMisIntegration();
builder.AddServiceMessaging<InboxDbContext>(
    bus =>
    {
        bus.AddConsumer<PatientMessagesConsumer>();
        bus.AddConsumer<SentMessagesConsumer>();
        bus.AddConsumer<ChannelConsentsConsumer>();
        bus.AddConsumer<MisCardsConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<ConfirmationAnswersConsumer>().ExcludeFromConfigureEndpoints();
    },
    (context, cfg) =>
    {
        cfg.ReceiveMisEvents<MisCardsConsumer>(context, MisCardsConsumer.QueueName, MisCardsConsumer.RoutingKeys);
        cfg.ReceiveRawCloudEvents<ConfirmationAnswersConsumer, RawCommsEvent>(context, MessagingExtensions.CommsEventsExchange, ConfirmationAnswersConsumer.QueueName,
            ConfirmationAnswersConsumer.Confirmed, ConfirmationAnswersConsumer.CancellationRequested);
    });

var app = builder.Build();

app.UseServiceDefaults();
app.UseStaffSignIn();
app.MapStaffSignIn();
app.MapInboxApi();
app.MapInboxPages();

app.Run();

public partial class Program;
