using Comms.Gateway.Email.Features.Answers;
using Comms.Gateway.Email.Features.Replies;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Tests;

public sealed class AnswerLinksTests
{
    private const string Secret = "unit-answer-link-secret-0123456789abcdef";
    private readonly MovableTime _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_link_names_its_message_and_answer_and_holds_until_its_lifetime_ends()
    {
        var links = Links();
        var messageId = Guid.CreateVersion7();

        var (confirm, cancel) = links.ConfirmationUrls(messageId);

        Assert.StartsWith("https://comms.clinic.ru/answer/", confirm, StringComparison.Ordinal);
        Assert.True(confirm.Length < 120, "short enough for a plain-text mail");
        Assert.Equal(AnswerLinkState.Valid, links.Read(Token(confirm), out var yes));
        Assert.Equal((messageId, "1"), (yes.MessageId, yes.Answer));
        Assert.Equal(AnswerLinkState.Valid, links.Read(Token(cancel), out var no));
        Assert.Equal((messageId, "2"), (no.MessageId, no.Answer));

        _time.Now += TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
        Assert.Equal(AnswerLinkState.Valid, links.Read(Token(confirm), out _));
        _time.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(AnswerLinkState.Expired, links.Read(Token(confirm), out var late));
        Assert.Equal(messageId, late.MessageId);
    }

    [Fact]
    public void A_link_edited_into_another_answer_or_signed_with_another_secret_is_invalid()
    {
        var links = Links();
        var token = Token(links.ConfirmationUrls(Guid.CreateVersion7()).Cancel);
        var other = Token(links.ConfirmationUrls(Guid.CreateVersion7()).Confirm);
        var spliced = other[..other.IndexOf('.', StringComparison.Ordinal)] + token[token.IndexOf('.', StringComparison.Ordinal)..];

        Assert.Equal(AnswerLinkState.Invalid, links.Read(spliced, out _));
        Assert.Equal(AnswerLinkState.Invalid, Links("another-secret-of-the-same-length-0123456").Read(token, out _));
        Assert.Equal(AnswerLinkState.Invalid, links.Read("not-a-token", out _));
        Assert.Equal(AnswerLinkState.Invalid, links.Read(token[..^2], out _));
    }

    [Fact]
    public void The_buttons_go_after_the_templates_html_and_both_links_into_the_text()
    {
        var html = ConfirmationButtons.AddToHtml("<html><body><p>Вы записаны</p></body></html>", "https://x/answer/a", "https://x/answer/b");
        var bare = ConfirmationButtons.AddToHtml("<p>Вы записаны</p>", "https://x/answer/a?x=1&y=2", "https://x/answer/b");
        var text = ConfirmationButtons.AddToText("Вы записаны.\n", "https://x/answer/a", "https://x/answer/b");

        Assert.Matches("(?s)<p>Вы записаны</p>.*href=\"https://x/answer/a\".*>Подтвердить</a>.*href=\"https://x/answer/b\".*>Отменить</a>.*</body></html>$", html);
        Assert.StartsWith("<p>Вы записаны</p>", bare, StringComparison.Ordinal);
        Assert.Contains("href=\"https://x/answer/a?x=1&amp;y=2\"", bare, StringComparison.Ordinal);
        Assert.Equal("Вы записаны.\n\nПодтвердить запись: https://x/answer/a\nОтменить запись: https://x/answer/b\n", text);
    }

    [Fact]
    public void A_reply_mailbox_that_is_on_must_be_fully_configured_and_one_that_is_off_needs_nothing()
    {
        var validator = new ImapOptionsValidator();

        var failures = validator.Validate(null, new ImapOptions { Address = "Регистратура <replies@clinic.ru>" }).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Email:Imap:Host is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Email:Imap:Username is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Email:Imap:Password is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Email:Imap:Address must be the reply mailbox's bare address", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new ImapOptions { Enabled = false }).Succeeded);
        Assert.True(validator.Validate(null, new ImapOptions
        {
            Host = "imap.clinic.ru", Username = "replies@clinic.ru", Password = "secret", Address = "replies@clinic.ru",
        }).Succeeded);
    }

    [Fact]
    public void A_gateway_without_the_links_address_or_with_a_short_secret_or_a_relative_address_refuses_to_start()
    {
        var validator = new DataAnnotationValidateOptions<AnswerLinkOptions>(null);

        var missing = validator.Validate(null, new AnswerLinkOptions()).Failures!.ToList();
        var bad = validator.Validate(null, new AnswerLinkOptions { BaseUrl = "/answer", Secret = "short" }).Failures!.ToList();
        var relative = validator.Validate(null, new AnswerLinkOptions { BaseUrl = "comms.clinic.ru/answer", Secret = Secret }).Failures!.ToList();

        Assert.Contains(missing, f => f.Contains("Email:Answers:BaseUrl is required", StringComparison.Ordinal));
        Assert.Contains(missing, f => f.Contains("Email:Answers:Secret is required", StringComparison.Ordinal));
        Assert.Contains(bad, f => f.Contains("Email:Answers:Secret must be at least 32 characters", StringComparison.Ordinal));
        Assert.Contains(relative, f => f.Contains("Email:Answers:BaseUrl is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new AnswerLinkOptions { BaseUrl = "https://comms.clinic.ru/answer", Secret = Secret }).Succeeded);
    }

    private AnswerLinks Links(string secret = Secret) =>
        new(Options.Create(new AnswerLinkOptions { BaseUrl = "https://comms.clinic.ru/answer/", Secret = secret }), _time);

    private static string Token(string url) => url[(url.LastIndexOf('/') + 1)..];
}

/// <summary>A clock the test moves; it starts at the real now, so nothing mixes a fixed date with the real clock.</summary>
public sealed class MovableTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
