using System.Text;
using Comms.Gateway.WhatsApp.Features.Sending;
using Comms.Gateway.WhatsApp.Features.Webhooks;
using Comms.Gateway.WhatsApp.Providers.CloudApi;

namespace Comms.Gateway.WhatsApp.Tests;

public sealed class FormTests
{
    [Theory]
    [InlineData("confirm", "1")]
    [InlineData("cancel", "2")]
    [InlineData("rating-1", "1")]
    [InlineData("rating-5", "5")]
    [InlineData("rating-6", null)]
    [InlineData("rating-", null)]
    [InlineData("other", null)]
    public void Taps_become_the_digits_Scheduling_and_Feedback_read(string id, string? answer) =>
        Assert.Equal(answer, WhatsAppDispatcher.AnswerOf(id));

    [Fact]
    public void A_confirmation_text_too_long_for_buttons_goes_as_plain_text()
    {
        var form = WhatsAppDispatcher.ChooseForm(true, new string('а', 1025), "confirmation", "t", [], "ru");
        Assert.IsType<WhatsAppContent.Text>(form);
    }

    [Fact]
    public void Locale_becomes_Metas_language_code() =>
        Assert.Equal("en_US", ((WhatsAppContent.Template)WhatsAppDispatcher.ChooseForm(false, "x", null, "t", [], "en-US")!).Locale);

    [Fact]
    public void Signature_is_checked_over_the_raw_bytes()
    {
        var body = Encoding.UTF8.GetBytes("{\"object\":\"whatsapp_business_account\"}");
        var signature = WebhookSignature.Sign(body, "secret");
        Assert.True(WebhookSignature.IsValid(body, signature, "secret"));
        Assert.True(WebhookSignature.IsValid(body, signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), "secret"));
        Assert.False(WebhookSignature.IsValid(body, signature, "other"));
        Assert.False(WebhookSignature.IsValid(body, signature[..^2], "secret"));
        Assert.False(WebhookSignature.IsValid(body, "sha256=" + new string('z', 64), "secret"));
    }

    [Theory]
    [InlineData(200, "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.X\"}]}", "Accepted")]
    [InlineData(400, "{\"error\":{\"code\":131047,\"message\":\"Re-engagement message\"}}", "OutsideWindow")]
    [InlineData(400, "{\"error\":{\"code\":131026,\"message\":\"Undeliverable\"}}", "Permanent")]
    [InlineData(400, "{\"error\":{\"code\":130429,\"message\":\"Rate limit hit\"}}", "RateLimited")]
    [InlineData(401, "{\"error\":{\"code\":190,\"message\":\"token\"}}", "Temporary")]
    [InlineData(500, "{\"error\":{\"code\":131000,\"message\":\"Something went wrong\"}}", "Unknown")]
    [InlineData(502, "<html>", "Unknown")]
    [InlineData(200, "{}", "Unknown")]
    public void Cloud_api_answers_are_read_by_their_error_code(int status, string body, string expected)
    {
        var result = CloudApiClient.Read(status, body);
        var kind = result switch
        {
            WhatsAppSendResult.Accepted => "Accepted",
            WhatsAppSendResult.Refused refused => refused.Kind.ToString(),
            _ => "Unknown",
        };
        Assert.Equal(expected, kind);
    }
}
