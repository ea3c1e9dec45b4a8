using System.Net;
using Comms.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Feedback.Tests;

/// <summary>The managers' page over plain HTTP: who gets in, and what a manager limited to one clinic can see.</summary>
public sealed class ManagerPageTests(ManagerSite site) : IClassFixture<ManagerSite>
{
    [Fact]
    public async Task Without_the_cookie_the_page_and_the_file_redirect_to_sign_in()
    {
        using var client = site.Client();

        using var page = await client.GetAsync("/manager?doctorId=D-1");
        using var csv = await client.GetAsync("/manager/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/manager/sign-in", page.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fmanager%3FdoctorId%3DD-1", page.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, csv.StatusCode);
        Assert.Equal("/manager/sign-in", csv.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_sign_in_page_with_an_error_and_no_cookie()
    {
        using var client = site.Client();

        using var wrong = await ManagerSite.SignInAsync(client, ManagerSite.Chief, "not-the-password");
        var body = await wrong.Content.ReadAsStringAsync();
        using var page = await client.GetAsync("/manager");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Неверное имя пользователя или пароль", body, StringComparison.Ordinal);
        Assert.Contains("value=\"chief\"", body, StringComparison.Ordinal);
        Assert.False(wrong.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Comms.Feedback.Managers=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_refused()
    {
        using var client = site.Client();

        using var response = await client.PostAsync("/manager/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = ManagerSite.Chief, ["password"] = ManagerSite.ChiefPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Форма устарела", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site_strict()
    {
        using var client = site.Client();

        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.Chief, ManagerSite.ChiefPassword);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/manager", signedIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Comms.Feedback.Managers=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_manager_of_clinic_A_never_sees_clinic_B_on_the_page_or_in_the_file()
    {
        using var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);

        var own = await client.GetStringAsync("/manager");
        using var otherPage = await client.GetAsync($"/manager?clinicId={ManagerSite.ClinicB}");
        using var otherCsv = await client.GetAsync($"/manager/export.csv?clinicId={ManagerSite.ClinicB}");
        var ownCsv = await client.GetStringAsync("/manager/export.csv");

        Assert.Contains("<b id=\"count\">4</b>", own, StringComparison.Ordinal);
        Assert.DoesNotContain(ManagerSite.ClinicB, own, StringComparison.Ordinal);
        Assert.DoesNotContain("Кузнецов", own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherPage.StatusCode);
        Assert.DoesNotContain("Кузнецов", await otherPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherCsv.StatusCode);
        Assert.DoesNotContain("Кузнецов", await otherCsv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(6, ownCsv.TrimEnd().Split('\n').Length); // the header and clinic A's five visits
        Assert.DoesNotContain(ManagerSite.ClinicB, ownCsv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manager_of_every_clinic_sees_both_and_a_review_with_a_script_tag_is_shown_as_text()
    {
        using var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.Chief, ManagerSite.ChiefPassword);

        var all = await client.GetStringAsync("/manager");
        var clinicB = await client.GetStringAsync($"/manager?clinicId={ManagerSite.ClinicB}");

        Assert.Contains("<b id=\"count\">5</b>", all, StringComparison.Ordinal);
        Assert.Contains("<b id=\"count\">1</b>", clinicB, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt; плохо", clinicB, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", clinicB, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_period_bounds_the_visits_by_their_completion_date()
    {
        using var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.Chief, ManagerSite.ChiefPassword);
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3));

        var future = await client.GetStringAsync($"/manager?from={today.AddDays(2):yyyy-MM-dd}");
        var lastWeek = await client.GetStringAsync($"/manager?from={today.AddDays(-7):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");

        Assert.Contains("<b id=\"count\">0</b>", future, StringComparison.Ordinal);
        Assert.Contains("<b id=\"count\">5</b>", lastWeek, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_issued_by_one_replica_is_read_by_another_on_the_same_database()
    {
        using var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Comms.Feedback.Managers=", StringComparison.Ordinal)).Split(';')[0];
        await using var replica = site.Replica();
        using var other = replica.CreateClient(new() { AllowAutoRedirect = false });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/manager");
        request.Headers.Add("Cookie", cookie);
        using var page = await other.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<b id=\"count\">4</b>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Both replicas of this process would share a key directory too: the key must be in the database.
        await using var scope = site.Factory.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().DataProtectionKeys.Select(k => k.Xml).ToListAsync();
        Assert.Contains(keys, xml => xml.StartsWith("<key ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cookie_issued_before_the_password_or_the_clinics_changed_follows_the_settings()
    {
        using var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Comms.Feedback.Managers=", StringComparison.Ordinal)).Split(';')[0];
        await using var newPassword = site.Replica(new Dictionary<string, string>
        {
            ["Staff:Accounts:1:PasswordHash"] = Comms.StaffAccounts.StaffPasswords.Hash("anna-new-password", Comms.StaffAccounts.StaffPasswords.MinimumIterations),
        });
        await using var moreClinics = site.Replica(new Dictionary<string, string> { ["Staff:Accounts:1:Clinics:1"] = ManagerSite.ClinicB });

        using var afterPasswordChange = await GetAsync(newPassword, "/manager", cookie);
        using var clinicB = await GetAsync(moreClinics, $"/manager?clinicId={ManagerSite.ClinicB}", cookie);

        Assert.Equal(HttpStatusCode.Redirect, afterPasswordChange.StatusCode); // signed out: the password it signed in with is gone
        Assert.Equal("/manager/sign-in", afterPasswordChange.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, clinicB.StatusCode); // a clinic added in the settings applies at once
        Assert.Contains("<b id=\"count\">1</b>", await clinicB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> GetAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> replica, string path, string cookie)
    {
        using var client = replica.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
