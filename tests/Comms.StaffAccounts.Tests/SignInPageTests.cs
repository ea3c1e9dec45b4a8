namespace Comms.StaffAccounts.Tests;

public sealed class SignInPageTests
{
    [Theory]
    [InlineData(0.2, "1 секунду")]
    [InlineData(1, "1 секунду")]
    [InlineData(2, "2 секунды")]
    [InlineData(4, "4 секунды")]
    [InlineData(8, "8 секунд")]
    [InlineData(11, "11 секунд")]
    [InlineData(21, "21 секунду")]
    [InlineData(60, "60 секунд")]
    [InlineData(61, "2 минуты")]
    [InlineData(300, "5 минут")]
    [InlineData(900, "15 минут")]
    [InlineData(1260, "21 минуту")]
    [InlineData(7200, "2 часа")]
    public void Waits_are_said_in_russian_rounded_up(double seconds, string said)
    {
        Assert.Equal(said, SignInPage.Wait(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void The_page_escapes_every_value_and_shows_the_error_and_provider_only_when_given()
    {
        var plain = SignInPage.Render(new SignInPage.View("Шаблоны", "/account/sign-in", "__token", "t<1>", "/", UserName: "\"><script>"));
        var full = SignInPage.Render(new SignInPage.View("Отзывы & оценки", "/manager/sign-in", "__token", "t", "/manager?x=1&y=2",
            Error: "Неверное <имя>", Provider: "Keycloak", ProviderUrl: "/manager/sign-in/oidc?returnUrl=%2Fmanager"));

        Assert.DoesNotContain("id=\"error\"", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"provider\"", plain, StringComparison.Ordinal);
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;\"", plain, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"__token\" value=\"t&lt;1&gt;\">", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", plain + full, StringComparison.Ordinal);
        Assert.Contains("<title>Вход — Отзывы &amp; оценки</title>", full, StringComparison.Ordinal);
        Assert.Contains("<p class=\"error\" role=\"alert\" id=\"error\">Неверное &lt;имя&gt;</p>", full, StringComparison.Ordinal);
        Assert.Contains("value=\"/manager?x=1&amp;y=2\"", full, StringComparison.Ordinal);
        Assert.Contains("<a id=\"provider\" href=\"/manager/sign-in/oidc?returnUrl=%2Fmanager\">Войти через: Keycloak</a>", full, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_naming_a_value_nobody_gives_is_an_error_not_a_blank()
    {
        Assert.Throws<InvalidOperationException>(() => SignInPage.Fill("<p>{{missing}}</p>", new Dictionary<string, string?>()));
    }
}
