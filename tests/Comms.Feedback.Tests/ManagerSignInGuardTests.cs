using System.Collections.Concurrent;
using System.Net;
using Comms.Feedback.Persistence;
using Comms.StaffAccounts;
using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Comms.Feedback.Tests;

/// <summary>
/// Guessing at the managers' sign-in over real HTTP: Feedback on a real port (Kestrel), an <see cref="HttpClient"/>
/// over TCP, the default <c>Staff:Lockout</c>, a clock of the test's (<see cref="FakeTimeProvider"/> from the real now).
/// 127.0.0.1 is a trusted proxy, so each test's clients are told apart by <c>X-Forwarded-For</c>, as behind an ingress.
/// </summary>
public sealed class ManagerSignInGuardTests(GuardedSite site) : IClassFixture<GuardedSite>, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await using var scope = site.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().SignInThrottles.ExecuteDeleteAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Over_http_the_sixth_failure_makes_the_next_attempt_wait_and_the_lockout_refuses_the_right_password_until_it_ends()
    {
        using var client = site.Client("203.0.113.10");

        var answers = new List<HttpStatusCode>();
        for (var i = 1; i <= 6; i++)
        {
            using var wrong = await ManagerSite.SignInAsync(client, GuardedSite.Chief, $"guess-{i}");
            answers.Add(wrong.StatusCode);
        }

        // Too soon: refused unchecked, and counted as the 7th (the next wait is 2 s).
        using var tooSoon = await ManagerSite.SignInAsync(client, GuardedSite.Chief, GuardedSite.ChiefPassword);
        for (var failure = 8; failure <= 10; failure++)
        {
            site.Time.Advance(TimeSpan.FromSeconds(1 << (failure - 7)));
            using var wrong = await ManagerSite.SignInAsync(client, GuardedSite.Chief, $"guess-{failure}");
            answers.Add(wrong.StatusCode);
        }

        using var locked = await ManagerSite.SignInAsync(client, GuardedSite.Chief, GuardedSite.ChiefPassword);
        site.Time.Advance(TimeSpan.FromMinutes(15));
        using var after = await ManagerSite.SignInAsync(client, GuardedSite.Chief, GuardedSite.ChiefPassword);
        using var page = await client.GetAsync("/manager");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), tooSoon.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);
        Assert.Equal(
            "Слишком много неверных попыток входа: вход временно заблокирован. Попробуйте снова через 15 минут.",
            StaffSignInForm.Error(await locked.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task One_address_trying_many_names_is_slowed_then_locked_while_another_address_signs_in()
    {
        using var guesser = site.Client("198.51.100.7");
        using var colleague = site.Client("198.51.100.8");

        // Twenty names, one guess each: no account reaches its own limit, the address reaches its free failures.
        for (var i = 1; i <= 20; i++)
        {
            using var wrong = await ManagerSite.SignInAsync(guesser, $"name-{i}", "guess");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var twentyFirst = await ManagerSite.SignInAsync(guesser, "name-21", "guess");
        using var waiting = await ManagerSite.SignInAsync(guesser, GuardedSite.Chief, GuardedSite.ChiefPassword); // counted: the 22nd
        for (var failure = 23; failure <= 50; failure++)
        {
            site.Time.Advance(TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(failure - 22, 10))));
            using var wrong = await ManagerSite.SignInAsync(guesser, $"name-{failure}", "guess");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await ManagerSite.SignInAsync(guesser, GuardedSite.Chief, GuardedSite.ChiefPassword);
        using var elsewhere = await ManagerSite.SignInAsync(colleague, GuardedSite.Chief, GuardedSite.ChiefPassword);

        Assert.Equal("Неверное имя пользователя или пароль. Следующая попытка — через 1 секунду.", StaffSignInForm.Error(await twentyFirst.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode); // the right password of a real account, from that address
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        await using var scope = site.Factory.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().SignInThrottles.Select(t => t.Key).ToListAsync();
        Assert.DoesNotContain(keys, k => k.Contains("198.51.100", StringComparison.Ordinal) || k.Contains("name-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_log_line_names_the_account_or_the_address()
    {
        using var client = site.Client("192.0.2.55");
        for (var failure = 1; failure <= 10; failure++)
        {
            using var wrong = await ManagerSite.SignInAsync(client, GuardedSite.Chief, $"guess-{failure}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (failure is >= 6 and < 10)
            {
                site.Time.Advance(TimeSpan.FromSeconds(1 << (failure - 6)));
            }
        }

        using var refused = await ManagerSite.SignInAsync(client, GuardedSite.Chief, GuardedSite.ChiefPassword);

        var lines = site.Logs.ToList();
        Assert.Contains(lines, l => l.StartsWith("Staff sign-in locked for account ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Staff sign-in refused unchecked: account ", StringComparison.Ordinal));
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain(GuardedSite.Chief, l, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("192.0.2.55", l, StringComparison.Ordinal);
            Assert.DoesNotContain("guess-", l, StringComparison.Ordinal);
            Assert.DoesNotContain(GuardedSite.ChiefPassword, l, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_marketer_of_the_same_staff_list_is_answered_as_a_wrong_password()
    {
        using var client = site.Client("203.0.113.20");

        using var marketer = await ManagerSite.SignInAsync(client, GuardedSite.Marketer, GuardedSite.MarketerPassword);
        using var page = await client.GetAsync("/manager");

        Assert.Equal(HttpStatusCode.Unauthorized, marketer.StatusCode);
        Assert.Equal("Неверное имя пользователя или пароль.", StaffSignInForm.Error(await marketer.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }
}

/// <summary>Feedback on a real port with a clock of the test's, 127.0.0.1 trusted as a proxy, and no data.</summary>
public sealed class GuardedSite : IAsyncLifetime
{
    public const string Chief = "chief";
    public const string ChiefPassword = "chief-test-password";
    public const string Marketer = "mark";
    public const string MarketerPassword = "mark-test-password";

    private string _database = "";
    private string _virtualHost = "";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Every log line the service wrote, with its exception if any.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("fbguard");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("fbguard");
        var settings = await TestInfrastructure.ServiceSettingsAsync(_database, _virtualHost);
        settings["Feedback:DispatchInterval"] = "01:00:00";
        settings["Staff:Accounts:0:Name"] = Chief;
        settings["Staff:Accounts:0:PasswordHash"] = StaffPasswords.Hash(ChiefPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:0:Roles:0"] = StaffRoles.Manager;
        settings["Staff:Accounts:1:Name"] = Marketer;
        settings["Staff:Accounts:1:PasswordHash"] = StaffPasswords.Hash(MarketerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:1:Roles:0"] = StaffRoles.Marketer;
        settings["Staff:TrustedProxies:0"] = "127.0.0.1";
        settings["Logging:LogLevel:Comms.StaffAccounts"] = "Debug";
        BaseUrl = $"http://127.0.0.1:{ServiceProcess.FreePort()}";
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseUrls(BaseUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
            builder.ConfigureLogging(logging => logging.AddProvider(new CollectingLogs(Logs)));
        });
        Factory.UseKestrel();
        Factory.StartServer();
    }

    /// <summary>A browser-like client (cookies, no redirects followed) behind the proxy, as <paramref name="address"/>.</summary>
    public HttpClient Client(string address)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }
}

/// <summary>Keeps what the service logs, as an operator would read it.</summary>
internal sealed class CollectingLogs(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : "\n" + exception));
    }
}
