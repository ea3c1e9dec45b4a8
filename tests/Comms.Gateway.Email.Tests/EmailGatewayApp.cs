using Comms.Testing;

namespace Comms.Gateway.Email.Tests;

public sealed class EmailGatewayApp() : ServiceApp<Program>("gwmail")
{
    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Email:Unsubscribe:BaseUrl"] = "https://comms.example-clinic.ru/unsubscribe";
        settings["Email:Unsubscribe:Secret"] = "test-unsubscribe-secret-0123456789abcdef";
        return ValueTask.CompletedTask;
    }
}
