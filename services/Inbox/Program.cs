using Comms.Inbox.Features.Conversations;
using Comms.Inbox.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<InboxDbContext>();
builder.AddInbox();
builder.AddServiceMessaging<InboxDbContext>(
    bus =>
    {
        bus.AddConsumer<PatientMessagesConsumer>();
        bus.AddConsumer<SentMessagesConsumer>();
        bus.AddConsumer<ChannelConsentsConsumer>();
    },
    (_, _) => { });

var app = builder.Build();

app.UseServiceDefaults();
app.UseStaffSignIn();
app.MapStaffSignIn();
app.MapInboxApi();
app.MapInboxPages();

app.Run();

public partial class Program;
