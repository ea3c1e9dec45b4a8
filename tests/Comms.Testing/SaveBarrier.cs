using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Testing;

/// <summary>
/// Catches one SaveChanges of an in-process service at the moment a test names, so an interleaving is written out
/// instead of hoped for: the save waits there until the test lets it go on (<see cref="CaughtSave.Release"/>), or it
/// fails there as a database error — or a process killed at that commit — would (<see cref="FailNext"/>). Inert until
/// armed, and each arming catches one save.
/// </summary>
public sealed class SaveBarrier : SaveChangesInterceptor
{
    private CaughtSave? _armed;

    /// <summary>Registers the barrier on the service's <typeparamref name="TContext"/> (call it from ConfigureServices).</summary>
    public void AttachTo<TContext>(IServiceCollection services)
        where TContext : DbContext =>
        services.ConfigureDbContext<TContext>((_, options) => options.AddInterceptors(this));

    /// <summary>The next save for which <paramref name="when"/> holds waits, before anything is written, until released.</summary>
    public CaughtSave Hold(Func<DbContext, bool> when) => Arm(new CaughtSave(when, fail: false));

    /// <summary>The next save for which <paramref name="when"/> holds fails before anything is written.</summary>
    public CaughtSave FailNext(Func<DbContext, bool> when) => Arm(new CaughtSave(when, fail: true));

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && Volatile.Read(ref _armed) is { } armed && armed.Matches(db) &&
            Interlocked.CompareExchange(ref _armed, null, armed) == armed)
        {
            await armed.CaughtAsync();
        }

        return result;
    }

    private CaughtSave Arm(CaughtSave save)
    {
        if (Interlocked.CompareExchange(ref _armed, save, null) is not null)
        {
            throw new InvalidOperationException("The barrier is already waiting for another save.");
        }

        return save;
    }
}

/// <summary>One save a <see cref="SaveBarrier"/> is waiting for, or has caught.</summary>
public sealed class CaughtSave
{
    private readonly Func<DbContext, bool> _when;
    private readonly bool _fail;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CaughtSave(Func<DbContext, bool> when, bool fail)
    {
        _when = when;
        _fail = fail;
    }

    /// <summary>Waits until the service has reached the save.</summary>
    public async Task ReachedAsync(TimeSpan? timeout = null) =>
        await _reached.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Lets a held save go on.</summary>
    public void Release() => _released.TrySetResult();

    internal bool Matches(DbContext db) => _when(db);

    internal async Task CaughtAsync()
    {
        _reached.TrySetResult();
        if (_fail)
        {
            throw new DbUpdateException("This commit was failed by the test, as a database error (or a process killed here) would fail it.");
        }

        await _released.Task;
    }
}
