namespace Comms.ProviderSimulator.Tests;

/// <summary>Polls until a condition holds, for outcomes that happen in the background (receipts).</summary>
public static class Eventually
{
    /// <summary>The first value that satisfies <paramref name="done"/>, or the last one seen when time runs out.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTimeOffset.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
