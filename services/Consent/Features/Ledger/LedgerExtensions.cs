namespace Comms.Consent.Features.Ledger;

public static class LedgerExtensions
{
    public static IHostApplicationBuilder AddConsentLedger(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConsentLedger>();
        return builder;
    }
}
