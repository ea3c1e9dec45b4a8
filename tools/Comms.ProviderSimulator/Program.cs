using Comms.ProviderSimulator;
using Comms.ProviderSimulator.Billing;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Max;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Replies;
using Comms.ProviderSimulator.SmsAero;
using Comms.ProviderSimulator.Smsc;
using Comms.ProviderSimulator.SmsRu;
using Comms.ProviderSimulator.WhatsApp;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
// appsettings.json's "Urls" (the default, port 5199) would otherwise win over ASPNETCORE_URLS; --urls stays last.
builder.Configuration.AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(args);
builder.Services.AddProviderSimulator();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapSmsRuApi();
app.MapSmscApi();
app.MapSmsAeroApi();
app.MapInboxApi();
app.MapFaultsApi();
app.MapBalancesApi();
app.MapRepliesApi();
app.MapPhonePage();
app.MapWhatsAppApi();
app.MapMaxApi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
