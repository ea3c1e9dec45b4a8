using System.Collections.Concurrent;
using Comms.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Templating.Tests;

/// <summary>Templating in memory against its own fresh database and RabbitMQ virtual host, one per test class.</summary>
public sealed class TemplatingApp : IAsyncLifetime
{
    public const string ComposeQueue = "templating-compose-message";

    private string _database = "";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string VirtualHost { get; private set; } = "";

    public ReceiveCounter Received { get; } = new();

    public IServiceProvider Services => Factory.Services;

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("tpl");
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync("tpl");
        var settings = await TestInfrastructure.ServiceSettingsAsync(_database, VirtualHost);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddReceiveObserver(_ => Received));
        });
        _ = Factory.Services; // starts the host: migrations applied, bus started and its queues bound
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
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
