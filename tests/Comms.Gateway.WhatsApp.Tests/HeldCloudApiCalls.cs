using Comms.Gateway.WhatsApp.Features.Sending;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>
/// A barrier on the gateway's calls to the Cloud API: a call whose body matches stops on its way to the simulator
/// (its attempt is committed by then) until the test lets it go, so a test can act while a send is in flight.
/// </summary>
public sealed class HeldCloudApiCalls
{
    private readonly Lock _gate = new();
    private Func<string, bool>? _matches;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first matching call has reached the barrier.</summary>
    public Task Reached => _reached.Task;

    /// <summary>From now on the next call whose JSON body matches waits for <see cref="Release"/>.</summary>
    public void Hold(Func<string, bool> matches)
    {
        lock (_gate)
        {
            _matches = matches;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _matches = null;
            _released.TrySetResult();
        }
    }

    internal Task WaitAsync(string body, CancellationToken cancellationToken)
    {
        Task released;
        lock (_gate)
        {
            if (_matches is not { } matches || !matches(body))
            {
                return Task.CompletedTask;
            }

            _matches = null;
            _reached.TrySetResult();
            released = _released.Task;
        }

        return released.WaitAsync(cancellationToken);
    }

    internal sealed class Handler(HeldCloudApiCalls calls) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            await calls.WaitAsync(body, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>The gateway with <see cref="HeldCloudApiCalls"/> on its Cloud API client.</summary>
public sealed class GatewayWhatsAppHeldCallsApp : GatewayWhatsAppApp
{
    public HeldCloudApiCalls Calls { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Calls);
        services.AddTransient<HeldCloudApiCalls.Handler>();
        services.AddHttpClient(SendingExtensions.HttpClientName).AddHttpMessageHandler<HeldCloudApiCalls.Handler>();
    }
}
