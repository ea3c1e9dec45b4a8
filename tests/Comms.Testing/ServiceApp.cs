using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Comms.Testing;

/// <summary>
/// One service in-process (WebApplicationFactory) on its own fresh database and RabbitMQ virtual host, one per test
/// class. Subclasses add their settings in <see cref="ConfigureAsync"/>.
/// </summary>
public abstract class ServiceApp<TProgram>(string name) : IAsyncLifetime
    where TProgram : class
{
    public WebApplicationFactory<TProgram> Factory { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public string VirtualHost { get; private set; } = "";

    /// <summary>Messages each queue has finished with, to wait until a duplicate was surely handled.</summary>
    public ReceiveCounter Received { get; } = new();

    /// <summary>What the service logged, at the levels its settings let through.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Catches one of the service's saves when a test arms it; attached by <see cref="ConfigureServices"/>.</summary>
    public SaveBarrier Saves { get; } = new();

    public IServiceProvider Services => Factory.Services;

    /// <summary>True: the service listens on a real loopback port (<see cref="BaseUrl"/>), for a browser.</summary>
    protected virtual bool OnRealPort => false;

    /// <summary>Where the service listens when <see cref="OnRealPort"/>; empty otherwise.</summary>
    public string BaseUrl { get; private set; } = "";

    public virtual HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>A client calling with the given <c>X-Api-Key</c>, or with none, whatever <see cref="CreateClient()"/> adds.</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = Factory.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add(TestKeys.Header, apiKey);
        }

        return client;
    }

    /// <summary>Adds or overrides settings before the service starts.</summary>
    protected virtual ValueTask ConfigureAsync(IDictionary<string, string?> settings) => ValueTask.CompletedTask;

    /// <summary>Adds or replaces test-only services after the service's own (a barrier on an HTTP client, <see cref="Saves"/> on its DbContext).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Releases what <see cref="ConfigureAsync"/> started, after the service stopped.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Database = await TestInfrastructure.NewDatabaseAsync(name);
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync(name);
        var settings = await TestInfrastructure.ServiceSettingsAsync(Database, VirtualHost);
        await ConfigureAsync(settings);
        BaseUrl = OnRealPort ? $"http://127.0.0.1:{ServiceProcess.FreePort()}" : "";
        Factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            if (OnRealPort)
            {
                builder.UseUrls(BaseUrl);
            }

            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services =>
            {
                services.AddReceiveObserver(_ => Received);
                services.AddSingleton<ILoggerProvider>(Logs);
                ConfigureServices(services);
            });
        });
        if (OnRealPort)
        {
            Factory.UseKestrel();
            Factory.StartServer();
        }

        _ = Factory.Services; // starts the host: migrations applied, bus started and its queues bound
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await ReleaseAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Counts messages each queue has finished with (consumed, skipped as a duplicate, or faulted).</summary>
public sealed class ReceiveCounter : IReceiveObserver
{
    private readonly ConcurrentDictionary<string, int> _finished = new();

    public int Finished(string queue) => _finished.GetValueOrDefault(queue);

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        _finished.AddOrUpdate(QueueOf(context), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        _finished.AddOrUpdate(QueueOf(context), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    private static string QueueOf(ReceiveContext context) => context.InputAddress.Segments[^1].Trim('/');
}
