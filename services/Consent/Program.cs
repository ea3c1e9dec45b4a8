using Comms.Consent.Features.Access;
using Comms.Consent.Features.Evidence;
using Comms.Consent.Features.Imports;
using Comms.Consent.Features.Ledger;
using Comms.Consent.Features.Messengers;
using Comms.Consent.Features.Mis;
using Comms.Consent.Features.OptOuts;
using Comms.Consent.Persistence;
using Comms.Mis;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<ConsentDbContext>();
builder.AddConsentLedger();
builder.AddConsentAccess();
builder.AddConsentImports();
builder.AddMisIntegration();
builder.AddServiceMessaging<ConsentDbContext>(
    bus => bus.AddMisConsentConsumers().AddOptOutConsumers().AddEvidenceConsumers().AddMessengerConsumers(),
    (context, cfg) => cfg.ReceiveMisConsentEvents(context));

var app = builder.Build();

app.UseServiceDefaults();
app.MapConsentsGroup()
    .MapLedgerEndpoints()
    .MapEvidenceEndpoints()
    .MapImportEndpoints();

app.Run();

public partial class Program;
