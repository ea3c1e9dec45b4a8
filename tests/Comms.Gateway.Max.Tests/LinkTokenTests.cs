using Comms.Gateway.Max.Features.Linking;
using Comms.Gateway.Max.Features.Sending;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Tests;

public sealed class LinkTokenTests
{
    private static readonly LinkTokens Tokens = new(Options.Create(new MaxOptions { LinkSecret = "unit-test-link-secret-0123456789abcdef" }));

    [Fact]
    public void A_token_reads_back_its_link_and_expiry_and_fits_a_deep_link_payload()
    {
        var linkId = Guid.NewGuid();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var token = Tokens.Issue(linkId, expiresAt);

        Assert.Equal(LinkTokens.Length, token.Length);
        Assert.True(token.Length <= 64);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
        Assert.True(Tokens.TryRead(token, out var read, out var readExpiry));
        Assert.Equal(linkId, read);
        Assert.Equal(expiresAt, readExpiry);
    }

    [Fact]
    public void A_token_signed_with_another_secret_or_altered_is_refused()
    {
        var token = Tokens.Issue(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(1));
        var other = new LinkTokens(Options.Create(new MaxOptions { LinkSecret = "another-link-secret-0123456789abcdefgh" }));

        Assert.False(other.TryRead(token, out _, out _));
        Assert.False(Tokens.TryRead(token[..10] + (token[10] == 'x' ? 'y' : 'x') + token[11..], out _, out _));
        Assert.False(Tokens.TryRead(token[..^1], out _, out _));
        Assert.False(Tokens.TryRead("Привет", out _, out _));
        Assert.False(Tokens.TryRead(null, out _, out _));
    }

    [Fact]
    public void A_misconfigured_gateway_names_every_missing_secret()
    {
        var result = new MaxOptionsValidator().Validate(null, new MaxOptions());

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Max:Token", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Max:BotName", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Max:WebhookSecret", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Max:LinkSecret", StringComparison.Ordinal));
    }
}
