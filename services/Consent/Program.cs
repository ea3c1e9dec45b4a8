using Comms.Consent.Features.Ledger;
using Comms.Consent.Features.Mis;
using Comms.Consent.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<ConsentDbContext>();
builder.AddConsentLedger();
builder.AddServiceMessaging<ConsentDbContext>(
    bus => bus.AddMisConsentConsumers(),
    (context, cfg) => cfg.ReceiveMisConsentEvents(context));

var app = builder.Build();

app.UseServiceDefaults();
app.MapConsentApi();

app.Run();

public partial class Program;
