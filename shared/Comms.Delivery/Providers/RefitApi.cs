using Refit;

namespace Comms.Delivery.Providers;

/// <summary>
/// A provider's Refit interface over a call's <see cref="HttpClient"/> (from its pipeline, <see cref="ProviderHttp"/>),
/// with one <see cref="RefitSettings"/> for the process. <c>RestService.For&lt;T&gt;(http)</c> brings new settings each
/// time, and with them new JSON options, whose metadata cache starts empty: every answer read by a client made per call
/// paid for building the JSON contracts again (docs/performance.md).
/// </summary>
public static class RefitApi<T>
{
    public static T For(HttpClient http) => RestService.For<T>(http, RefitApi.Settings);
}

public static class RefitApi
{
    public static readonly RefitSettings Settings = new();
}
