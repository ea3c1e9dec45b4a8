namespace Comms.Testing;

/// <summary>The <c>X-Api-Key</c> every service under test takes from an operator (<c>Operators:ApiKeys:0</c>).</summary>
public static class TestKeys
{
    public const string Header = "X-Api-Key";

    public const string Operator = "test-operator-key-0001";

    /// <summary>An HTTP client that calls as the chain's operator.</summary>
    public static HttpClient AsOperator(this HttpClient client)
    {
        client.DefaultRequestHeaders.Remove(Header);
        client.DefaultRequestHeaders.Add(Header, Operator);
        return client;
    }
}
