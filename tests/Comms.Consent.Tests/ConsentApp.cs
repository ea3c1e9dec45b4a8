using Comms.Testing;

namespace Comms.Consent.Tests;

public sealed class ConsentApp() : ServiceApp<Program>("cns")
{
    public const string MisQueue = "consent-mis-events";
}
