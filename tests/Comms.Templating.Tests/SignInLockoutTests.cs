using System.Net;
using Comms.StaffAccounts;
using Comms.Templating.Persistence;
using Comms.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Comms.Templating.Tests;

/// <summary>
/// Guessing at <c>/account/sign-in</c> with the default <c>Staff:Lockout</c>: 5 wrong passwords answered at once, then a
/// wait of 1, 2, 4, 8 seconds before the next is checked (an attempt too soon is refused, and counted), and the 10th
/// locks the account for 15 minutes. The clock is a <see cref="FakeTimeProvider"/> started at the real now, so waiting
/// costs nothing and nothing races it.
/// </summary>
public sealed class SignInLockoutTests(TemplatingApp app) : IClassFixture<TemplatingApp>, IAsyncLifetime
{
    private const string Locked = "Слишком много неверных попыток входа: вход временно заблокирован. Попробуйте снова через 15 минут.";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public async ValueTask InitializeAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TemplatingDbContext>().SignInThrottles.ExecuteDeleteAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Thirty_wrong_passwords_in_a_row_then_the_right_one_does_not_sign_in()
    {
        await using var site = Site();
        using var client = TemplatingApp.CreateBrowserClient(site);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var wrong = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, $"guess-{i}");
            answers.Add(wrong.StatusCode);
        }

        using var right = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        using var me = await client.GetAsync("/api/v1/me");

        // Five free failures and the sixth, which starts the wait; every later one refused unchecked: the 7th to 10th
        // still counted (too soon), the 10th locking, the rest refused by the lockout, the right one too.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 6).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 24)), answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), right.Headers.RetryAfter?.Delta);
        Assert.Equal(Locked, StaffSignInForm.Error(await right.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        var rows = await ThrottlesAsync();
        var row = Assert.Single(rows);
        Assert.Equal((10, true), (row.Failures, row.Locked));
        Assert.DoesNotContain(TemplatingApp.Marketer, row.Key, StringComparison.OrdinalIgnoreCase); // a digest, not the name
    }

    [Fact]
    public async Task Each_wait_doubles_the_tenth_failure_locks_the_right_password_out_and_after_fifteen_minutes_it_signs_in()
    {
        await using var site = Site();
        using var client = TemplatingApp.CreateBrowserClient(site);

        var errors = new List<string?>();
        for (var failure = 1; failure <= 10; failure++)
        {
            using var wrong = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, $"guess-{failure}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            errors.Add(StaffSignInForm.Error(await wrong.Content.ReadAsStringAsync()));
            if (failure is >= 6 and < 10)
            {
                _time.Advance(TimeSpan.FromSeconds(1 << (failure - 6)));
            }
        }

        using var locked = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        var lockedError = StaffSignInForm.Error(await locked.Content.ReadAsStringAsync());
        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        using var stillLocked = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var after = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        using var me = await client.GetAsync("/api/v1/me");

        Assert.All(errors[..5], e => Assert.Equal("Неверное имя пользователя или пароль.", e));
        Assert.Equal(
            [
                "Неверное имя пользователя или пароль. Следующая попытка — через 1 секунду.",
                "Неверное имя пользователя или пароль. Следующая попытка — через 2 секунды.",
                "Неверное имя пользователя или пароль. Следующая попытка — через 4 секунды.",
                "Неверное имя пользователя или пароль. Следующая попытка — через 8 секунд.",
                "Неверное имя пользователя или пароль. Вход временно заблокирован: попробуйте снова через 15 минут.",
            ],
            errors[5..]);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(Locked, lockedError);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Empty(await ThrottlesAsync()); // the right password clears the count
    }

    [Fact]
    public async Task The_right_password_a_moment_too_soon_is_refused_and_counted_and_after_the_wait_it_signs_in()
    {
        await using var site = Site();
        using var client = TemplatingApp.CreateBrowserClient(site);
        for (var failure = 1; failure <= 6; failure++)
        {
            using var wrong = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, $"guess-{failure}");
        }

        _time.Advance(TimeSpan.FromMilliseconds(999));
        using var early = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        using var stillEarly = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
        _time.Advance(TimeSpan.FromSeconds(4));
        using var onTime = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, TemplatingApp.MarketerPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal("Слишком много неверных попыток входа. Попробуйте снова через 2 секунды.", StaffSignInForm.Error(await early.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.TooManyRequests, stillEarly.StatusCode); // counted too: the next wait is 4 s
        Assert.Equal(TimeSpan.FromSeconds(4), stillEarly.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Redirect, onTime.StatusCode);
        Assert.Empty(await ThrottlesAsync());
    }

    [Fact]
    public async Task Thirty_guesses_sent_at_once_get_no_more_checks_than_thirty_in_a_row()
    {
        await using var site = Site();
        var clients = Enumerable.Range(0, 30).Select(_ => TemplatingApp.CreateBrowserClient(site)).ToList();

        var answers = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            using var wrong = await TemplatingApp.PostSignInAsync(client, TemplatingApp.Marketer, $"guess-{i}");
            return wrong.StatusCode;
        }));
        clients.ForEach(c => c.Dispose());

        // Counted one after another whatever the replica or the moment: the five free and the sixth are checked, no more.
        Assert.Equal(6, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.Equal(24, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Another_accounts_failures_do_not_lock_this_one()
    {
        await using var site = Site();
        using var guesser = TemplatingApp.CreateBrowserClient(site);
        await LockAsync(guesser, TemplatingApp.Marketer);

        using var viewer = TemplatingApp.CreateBrowserClient(site);
        using var typo = await TemplatingApp.PostSignInAsync(viewer, TemplatingApp.Viewer, "typo");
        using var signedIn = await TemplatingApp.PostSignInAsync(viewer, TemplatingApp.Viewer, TemplatingApp.ViewerPassword);
        using var marketer = await TemplatingApp.PostSignInAsync(TemplatingApp.CreateBrowserClient(site), TemplatingApp.Marketer, TemplatingApp.MarketerPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, typo.StatusCode);
        Assert.Equal("Неверное имя пользователя или пароль.", StaffSignInForm.Error(await typo.Content.ReadAsStringAsync())); // its own first failure
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, marketer.StatusCode); // from any client
    }

    [Fact]
    public async Task An_unknown_name_is_counted_and_locked_like_a_known_one()
    {
        await using var site = Site();
        using var client = TemplatingApp.CreateBrowserClient(site);

        await LockAsync(client, "nobody");
        using var again = await TemplatingApp.PostSignInAsync(client, "NOBODY ", "anything");

        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode); // names in any case, spaces around ignored
        Assert.Equal(Locked, StaffSignInForm.Error(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_lockout_holds_on_another_replica_and_after_a_restart()
    {
        var replica = Site();
        await using (replica)
        {
            await LockAsync(TemplatingApp.CreateBrowserClient(replica), TemplatingApp.Marketer);
            await using var other = Site();
            using var atOther = await TemplatingApp.PostSignInAsync(TemplatingApp.CreateBrowserClient(other), TemplatingApp.Marketer, TemplatingApp.MarketerPassword);
            Assert.Equal(HttpStatusCode.TooManyRequests, atOther.StatusCode);
        }

        await using var restarted = Site();
        using var afterRestart = await TemplatingApp.PostSignInAsync(TemplatingApp.CreateBrowserClient(restarted), TemplatingApp.Marketer, TemplatingApp.MarketerPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, afterRestart.StatusCode);
        Assert.Equal(Locked, StaffSignInForm.Error(await afterRestart.Content.ReadAsStringAsync()));
    }

    /// <summary>Ten wrong passwords, each after the wait the previous one caused: the account is then locked.</summary>
    private async Task LockAsync(HttpClient client, string name)
    {
        for (var failure = 1; failure <= 10; failure++)
        {
            using var wrong = await TemplatingApp.PostSignInAsync(client, name, $"guess-{failure}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (failure is >= 6 and < 10)
            {
                _time.Advance(TimeSpan.FromSeconds(1 << (failure - 6)));
            }
        }
    }

    /// <summary>Another host of the service on the same database, its clock the test's.</summary>
    private WebApplicationFactory<Program> Site() =>
        app.Factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_time)));

    private async Task<List<SignInThrottle>> ThrottlesAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TemplatingDbContext>().SignInThrottles.AsNoTracking().ToListAsync();
    }
}
