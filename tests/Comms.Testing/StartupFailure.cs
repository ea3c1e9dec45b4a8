using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Testing;

/// <summary>How a misconfigured service refuses to start, seen through WebApplicationFactory.</summary>
public static class StartupFailure
{
    /// <summary>
    /// Starts the service with <paramref name="configure"/> and returns the <typeparamref name="TException"/> its start
    /// failed with. The factory's deferred host has a race of its own when a start fails at once: now and then it reads
    /// the host's services after the failing host disposed them and reports an ObjectDisposedException instead of the
    /// failure (dotnet/aspnetcore#33494). A fresh factory is then tried again, at most five times; a service that starts
    /// fails the test.
    /// </summary>
    public static TException Of<TProgram, TException>(Action<IWebHostBuilder> configure)
        where TProgram : class
        where TException : Exception
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(configure);
            try
            {
                factory.CreateClient().Dispose();
            }
            catch (TException failure)
            {
                return failure;
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                continue;
            }

            throw new InvalidOperationException($"The service started; it was expected to refuse with {typeof(TException).Name}.");
        }
    }
}
