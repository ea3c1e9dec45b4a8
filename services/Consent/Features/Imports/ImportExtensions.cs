using System.Text;

namespace Comms.Consent.Features.Imports;

public static class ImportExtensions
{
    public static IHostApplicationBuilder AddConsentImports(this IHostApplicationBuilder builder)
    {
        // Windows-1251 and the other code pages Russian exports come in.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ConsentImporter>();
        return builder;
    }
}
