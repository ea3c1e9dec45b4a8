namespace Comms.Testing;

/// <summary>Waits for an asynchronous outcome (a row, a message at the simulator) without fixed sleeps.</summary>
public static class Eventually
{
    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : struct => GetAsync(probe, timeout, () => what);

    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class => GetAsync(probe, timeout, () => what);

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) => TrueAsync(probe, timeout, () => what);

    /// <summary>As above; <paramref name="what"/> is read only on a timeout, so it can carry the services' logs as they are then.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what)
        where T : struct =>
        (await GetAsync<object>(async () => await probe() is { } value ? value : null, timeout, what) as T?)!.Value;

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
            {
                last = ex;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what()}.", last);
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, Func<string> what) =>
        await GetAsync<object>(async () => await probe() ? new object() : null, timeout, what);
}
