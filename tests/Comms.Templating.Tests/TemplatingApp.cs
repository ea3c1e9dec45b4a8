using Comms.Testing;

namespace Comms.Templating.Tests;

public sealed class TemplatingApp() : ServiceApp<Program>("tpl")
{
    public const string ComposeQueue = "templating-compose-message";
}
