using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;

namespace Comms.ServiceDefaults.Tests;

public sealed class ContactNormalizerTests
{
    [Theory]
    [InlineData("+7 916 123-45-67")]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+79161234567")]
    [InlineData("89161234567")]
    public void Russian_phone_spellings_normalize_to_one_E164_number(string input)
    {
        Assert.True(ContactNormalizer.TryNormalizePhone(input, out var e164));
        Assert.Equal("+79161234567", e164);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("not a phone")]
    [InlineData("+7 916 123")]
    public void Invalid_phones_are_refused(string input) => Assert.False(ContactNormalizer.TryNormalizePhone(input, out _));

    [Theory]
    [InlineData("123456789", "123456789")]
    [InlineData(" 9161234567 ", "9161234567")]
    [InlineData("007", "7")]
    public void Max_user_ids_are_their_digits(string input, string expected)
    {
        Assert.True(ContactNormalizer.TryNormalizeMessengerId(input, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("+79161234567")]
    [InlineData("max:123")]
    [InlineData("123456789012345678901")]
    public void Anything_but_a_max_user_id_is_refused(string? input) => Assert.False(ContactNormalizer.TryNormalizeMessengerId(input, out _));

    [Fact]
    public void Emails_are_trimmed_and_lower_cased() =>
        Assert.True(ContactNormalizer.TryNormalizeEmail("  Anna.Ivanova@Example.RU ", out var email) && email == "anna.ivanova@example.ru");

    [Fact]
    public void Masking_keeps_a_phone_recognisable_but_not_readable()
    {
        Assert.Equal("+7916***4567", ContactNormalizer.Mask("+79161234567"));
        Assert.Equal("a***@example.ru", ContactNormalizer.Mask("anna@example.ru"));
    }

    [Theory]
    [InlineData("Comms.Gateway.Sms", "gateway-sms")]
    [InlineData("Comms.Scheduling", "scheduling")]
    [InlineData("Comms.Gateway.WhatsApp", "gateway-whatsapp")]
    public void Service_names_become_queue_prefixes(string application, string prefix) =>
        Assert.Equal(prefix, ServiceNames.Kebab(application));
}
