using System.Net;
using System.Text.RegularExpressions;
using Comms.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Feedback.Tests;

public sealed partial class PageTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Theory]
    [InlineData("2")]
    [InlineData("5")]
    public async Task Plain_form_post_records_rating_and_review_and_every_patient_sees_the_review_sites(string rating)
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        using var browser = app.Factory.CreateClient();
        var path = new Uri(link).AbsolutePath;

        using var page = await browser.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"ru\">", html);
        Assert.Contains("name=\"viewport\"", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal(5, RadioButton().Count(html));
        Assert.Contains("<textarea", html);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        using var posted = await browser.PostAsync(path, Form(html, ("rating", rating), ("review", "Всё хорошо, но ждали 20 минут")));
        var thanks = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Спасибо за ответ", thanks);
        Assert.Contains("href=\"https://yandex.ru/maps/org/1234567890/reviews\"", thanks);
        Assert.Contains("2ГИС", thanks);
        var request = await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal((int.Parse(rating), "Всё хорошо, но ждали 20 минут", "page", "page"), (request.Rating, request.Review, request.RatingChannel, request.ReviewChannel));
    }

    [Fact]
    public async Task Second_submission_is_refused_and_changes_nothing()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        using var browser = app.Factory.CreateClient();
        var path = new Uri(link).AbsolutePath;
        var html = await browser.GetStringAsync(path);
        (await browser.PostAsync(path, Form(html, ("rating", "4"), ("review", "Первый ответ")))).EnsureSuccessStatusCode();

        using var again = await browser.PostAsync(path, Form(html, ("rating", "1"), ("review", "Второй ответ")));
        var body = await again.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("уже получен", body);
        Assert.Contains("Яндекс Карты", body);
        var request = await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal((4, "Первый ответ"), (request.Rating, request.Review));
        Assert.Contains("уже получен", await browser.GetStringAsync(path));
    }

    [Fact]
    public async Task Unknown_token_gets_a_friendly_not_found_page()
    {
        using var browser = app.Factory.CreateClient();

        using var response = await browser.GetAsync("/f/AAAAAAAAAAAAAAAAAAAAAA");
        using var posted = await browser.PostAsync("/f/AAAAAAAAAAAAAAAAAAAAAA", new FormUrlEncodedContent([new("rating", "5")]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Ссылка не найдена или устарела", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
    }

    [Fact]
    public async Task Expired_link_gets_the_not_found_page_and_takes_no_answer()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        using var browser = app.Factory.CreateClient();
        var path = new Uri(link).AbsolutePath;
        var html = await browser.GetStringAsync(path);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().Requests.Where(r => r.AppointmentId == id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LinkExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        using var page = await browser.GetAsync(path);
        using var posted = await browser.PostAsync(path, Form(html, ("rating", "5")));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Null((await visits.RequestAsync(FeedbackApp.ClinicId, id)).Rating);
    }

    [Fact]
    public async Task Post_without_the_forms_antiforgery_token_or_with_a_rating_outside_the_scale_records_nothing()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        var (_, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);
        var path = new Uri(link).AbsolutePath;

        using var forged = app.Factory.CreateClient();
        using var crossSite = await forged.PostAsync(path, new FormUrlEncodedContent([new("rating", "1")]));
        using var browser = app.Factory.CreateClient();
        var html = await browser.GetStringAsync(path);
        using var outOfScale = await browser.PostAsync(path, Form(html, ("rating", "9"), ("review", "<текст>")));
        var again = await outOfScale.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, outOfScale.StatusCode);
        Assert.Contains("Выберите оценку от 1 до 5", again);
        Assert.Contains("&lt;текст&gt;</textarea>", again);
        Assert.Null((await visits.RequestAsync(FeedbackApp.ClinicId, id)).Rating);
    }

    /// <summary>What a browser without JavaScript sends: every hidden field of the form, plus the patient's choices.</summary>
    internal static FormUrlEncodedContent Form(string html, params (string Name, string Value)[] fields) =>
        new([.. HiddenField().Matches(html).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))),
             .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<input type=\"radio\" name=\"rating\"")]
    private static partial Regex RadioButton();
}
