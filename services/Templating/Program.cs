using Comms.Mis;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Comms.Templating.Features.Accounts;
using Comms.Templating.Features.Authoring;
using Comms.Templating.Features.Compose;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Features.Templates;
using Comms.Templating.Features.Ui;
using Comms.Templating.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<TemplatingDbContext>();
builder.Services.AddHostedService<ShippedTemplatesSeeder>(); // after the migrations (hosted services start in order)
builder.AddTemplateRendering();
builder.AddApiKeys();
builder.AddTemplatingSignIn();
builder.AddMisIntegration();
builder.AddServiceMessaging<TemplatingDbContext>(bus => bus.AddComposeConsumers());

var app = builder.Build();

app.UseServiceDefaults(rootIsTaken: true); // "/" is the marketer UI
app.UseStaffSignIn();
app.MapAccountsApi();
app.MapAuthoringApi();
app.MapTemplatesApi();
app.MapRenderApi();
app.MapQuickRepliesApi();
app.MapMarketerUi();

app.Run();

public partial class Program;
