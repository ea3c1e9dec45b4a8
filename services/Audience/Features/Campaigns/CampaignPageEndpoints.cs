using System.Globalization;
using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.StaffAccounts;
using Comms.StaffAccounts.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// <c>/campaigns</c>: the pages over the same store and life as the API. Forms post with their antiforgery token; a
/// refused step shows the campaign again with the reason.
/// </summary>
public static class CampaignPageEndpoints
{
    public static IEndpointRouteBuilder MapCampaignPages(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/campaigns").RequireAuthorization(AnalyticsSignIn.CampaignReaderPolicy).ExcludeFromDescription();
        pages.MapGet("/", ListAsync);
        pages.MapGet("/new", NewAsync);
        pages.MapPost("/new", CreateAsync).DisableAntiforgery();
        pages.MapGet("/{id:guid}", CardAsync);
        pages.MapGet("/{id:guid}/edit", EditFormAsync);
        pages.MapPost("/{id:guid}/edit", EditAsync).DisableAntiforgery();
        pages.MapPost("/{id:guid}/{action:regex(^(launch|pause|resume|stop)$)}", ActAsync).DisableAntiforgery();
        return routes;
    }

    private static StaffUser Staff(HttpContext http) => http.User.Staff() ?? throw new InvalidOperationException("The page requires a signed-in person.");

    private static CampaignPages.Token TokenOf(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return new CampaignPages.Token(tokens.FormFieldName, tokens.RequestToken ?? "");
    }

    private static async Task<IResult> ListAsync(HttpContext http, AudienceDbContext db, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        var campaigns = await CampaignsApi.VisibleAsync(db, staff, cancellationToken);
        return StaffHtml.Page(http, CampaignPages.List(staff, campaigns), StatusCodes.Status200OK);
    }

    private static async Task<IResult> NewAsync(
        HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, IOptionsMonitor<AudienceOptions> options, IOptionsMonitor<ClinicKeysOptions> keys,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (!staff.Is(StaffRoles.Marketer))
        {
            return NotMarketer(http);
        }

        var clinics = await AnalyticsEndpoints.ClinicsAsync(db, staff, options.CurrentValue, keys.CurrentValue, cancellationToken);
        var tomorrow = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        var values = new Dictionary<string, string>
        {
            ["clinicIds"] = clinics.Count == 1 ? clinics[0] : "",
            ["templateKey"] = "campaign.offer",
            ["channels"] = string.Join(',', CampaignDefinition.DefaultChannels),
            ["startAt"] = $"{tomorrow:yyyy-MM-dd}T10:00",
            ["windowFrom"] = "10:00",
            ["windowTo"] = "20:00",
            ["throttlePerHour"] = "500",
            ["holdoutPercent"] = "10",
            ["attributionDays"] = "14",
            ["recentCampaignDays"] = "14",
        };
        return StaffHtml.Page(http, CampaignPages.Builder(staff, null, null, values, clinics, new Dictionary<string, string[]>(), TokenOf(http, antiforgery)), StatusCodes.Status200OK);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, IOptionsMonitor<AudienceOptions> options,
        IOptionsMonitor<ClinicKeysOptions> keys, IOptionsMonitor<CampaignOptions> campaignOptions, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (!staff.Is(StaffRoles.Marketer))
        {
            return NotMarketer(http);
        }

        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return StaleForm(http, "/campaigns/new");
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var (definition, values, errors) = await FromFormAsync(form, db, campaignOptions.CurrentValue, options.CurrentValue, cancellationToken);
        if (errors.Count == 0 && definition!.ClinicIds!.FirstOrDefault(c => !staff.MaySee(c)) is { } foreign)
        {
            errors["clinicIds"] = [$"клиника «{foreign}» — не из ваших"];
        }

        if (errors.Count > 0)
        {
            var clinics = await AnalyticsEndpoints.ClinicsAsync(db, staff, options.CurrentValue, keys.CurrentValue, cancellationToken);
            return StaffHtml.Page(http, CampaignPages.Builder(staff, null, null, values, clinics, errors, TokenOf(http, antiforgery)), StatusCodes.Status400BadRequest);
        }

        var view = await store.CreateAsync(definition!, staff.Name, cancellationToken);
        return TypedResults.Redirect($"/campaigns/{view.Id}");
    }

    private static async Task<IResult> CardAsync(
        Guid id, HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, CampaignLifecycle lifecycle,
        CampaignResultsReader results, IOptionsMonitor<CampaignOptions> options, CancellationToken cancellationToken) =>
        await CardResultAsync(id, http, db, antiforgery, store, lifecycle, results, options.CurrentValue, null, StatusCodes.Status200OK, cancellationToken);

    private static async Task<IResult> CardResultAsync(
        Guid id, HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, CampaignLifecycle lifecycle,
        CampaignResultsReader results, CampaignOptions options, string? notice, int status, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (await store.VisibleViewAsync(id, staff, cancellationToken) is not { } view)
        {
            return StaffHtml.Message(http, StatusCodes.Status404NotFound, "Нет такой рассылки", "Такой рассылки нет среди рассылок ваших клиник.", "/campaigns", "Все рассылки");
        }

        var plan = view.Definition.Plan();
        var zone = await CampaignAudience.ZoneAsync(db, plan.ClinicIds[0], options, cancellationToken);
        var preview = view.Status == CampaignStatuses.Draft ? (await lifecycle.PreviewAsync(id, staff, cancellationToken)).Value : null;
        var figures = view.Status == CampaignStatuses.Draft ? null : await results.ReadAsync(id, plan, cancellationToken);
        var batches = view.Kind == CampaignKinds.Journey ? await CampaignsApi.VisibleAsync(db, staff, cancellationToken, journey: id) : [];
        return StaffHtml.Page(http, CampaignPages.Card(new CampaignPages.CardView(staff, view, plan, zone.Id, preview, figures, notice, TokenOf(http, antiforgery), batches)), status);
    }

    private static async Task<IResult> EditFormAsync(
        Guid id, HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, IOptionsMonitor<AudienceOptions> options,
        IOptionsMonitor<ClinicKeysOptions> keys, IOptionsMonitor<CampaignOptions> campaignOptions, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (!staff.Is(StaffRoles.Marketer))
        {
            return NotMarketer(http);
        }

        if (await store.VisibleViewAsync(id, staff, cancellationToken) is not { } view)
        {
            return StaffHtml.Message(http, StatusCodes.Status404NotFound, "Нет такой рассылки", "Такой рассылки нет среди рассылок ваших клиник.", "/campaigns", "Все рассылки");
        }

        if (view.Status != CampaignStatuses.Draft)
        {
            return StaffHtml.Message(http, StatusCodes.Status409Conflict, "Запущенную рассылку не изменить",
                "Изменить можно только черновик. Остановите рассылку и создайте новую.", $"/campaigns/{id}", "К рассылке");
        }

        var zone = await CampaignAudience.ZoneAsync(db, view.Definition.ClinicIds![0], campaignOptions.CurrentValue, cancellationToken);
        var clinics = await AnalyticsEndpoints.ClinicsAsync(db, staff, options.CurrentValue, keys.CurrentValue, cancellationToken);
        return StaffHtml.Page(http, CampaignPages.Builder(staff, id, view.Revision, ToForm(view.Definition, zone), clinics, new Dictionary<string, string[]>(), TokenOf(http, antiforgery)),
            StatusCodes.Status200OK);
    }

    private static async Task<IResult> EditAsync(
        Guid id, HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, IOptionsMonitor<AudienceOptions> options,
        IOptionsMonitor<ClinicKeysOptions> keys, IOptionsMonitor<CampaignOptions> campaignOptions, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (!staff.Is(StaffRoles.Marketer))
        {
            return NotMarketer(http);
        }

        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return StaleForm(http, $"/campaigns/{id}/edit");
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var (definition, values, errors) = await FromFormAsync(form, db, campaignOptions.CurrentValue, options.CurrentValue, cancellationToken);
        if (errors.Count == 0 && definition!.ClinicIds!.FirstOrDefault(c => !staff.MaySee(c)) is { } foreign)
        {
            errors["clinicIds"] = [$"клиника «{foreign}» — не из ваших"];
        }

        int? revision = int.TryParse(form["revision"], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        if (errors.Count == 0)
        {
            var (view, problem) = await store.EditAsync(id, definition!, revision, staff, cancellationToken);
            if (problem is null)
            {
                return TypedResults.Redirect($"/campaigns/{view!.Id}");
            }

            errors["$"] = [problem.ProblemDetails.Title ?? "не сохранено"];
        }

        var clinics = await AnalyticsEndpoints.ClinicsAsync(db, staff, options.CurrentValue, keys.CurrentValue, cancellationToken);
        return StaffHtml.Page(http, CampaignPages.Builder(staff, id, revision, values, clinics, errors, TokenOf(http, antiforgery)), StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ActAsync(
        Guid id, string action, HttpContext http, AudienceDbContext db, IAntiforgery antiforgery, CampaignStore store, CampaignLifecycle lifecycle,
        CampaignResultsReader results, IOptionsMonitor<CampaignOptions> options, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return StaleForm(http, $"/campaigns/{id}");
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        int? revision = int.TryParse(form["revision"], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        var outcome = action == "launch"
            ? await lifecycle.LaunchAsync(id, staff, revision, cancellationToken)
            : await lifecycle.ActAsync(id, staff, action switch { "pause" => CampaignActions.Paused, "resume" => CampaignActions.Resumed, _ => CampaignActions.Stopped },
                revision, cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return await CardResultAsync(id, http, db, antiforgery, store, lifecycle, results, options.CurrentValue,
                problem.ProblemDetails.Title, problem.StatusCode, cancellationToken);
        }

        return TypedResults.Redirect($"/campaigns/{id}");
    }

    /// <summary>The form's fields as a definition (times read in the first clinic's zone), the values to show again, and the errors by field.</summary>
    internal static async Task<(CampaignDefinition? Definition, Dictionary<string, string> Values, Dictionary<string, string[]> Errors)> FromFormAsync(
        IFormCollection form, AudienceDbContext db, CampaignOptions campaignOptions, AudienceOptions audienceOptions, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in form.Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal)))
        {
            values[key] = string.Join(',', value.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()));
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Text(string name) => values.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;
        List<string>? Many(string name) => form[name].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList() is { Count: > 0 } list ? list : null;
        List<string>? Commas(string name) => Text(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        int? Integer(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            errors[name] = ["целое число"];
            return null;
        }

        var clinicIds = Many("clinicIds");
        var zone = clinicIds is { Count: > 0 }
            ? await CampaignAudience.ZoneAsync(db, clinicIds[0], campaignOptions, cancellationToken)
            : TimeZoneInfo.FindSystemTimeZoneById(campaignOptions.DefaultTimeZone);
        string? Moment(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            }

            errors[name] = ["дата и время"];
            return null;
        }

        var definition = new CampaignDefinition
        {
            Name = Text("name"),
            ClinicIds = clinicIds,
            Segments = Many("segments"),
            AgeFrom = Integer("ageFrom"),
            AgeTo = Integer("ageTo"),
            Sex = Text("sex"),
            LastVisitFrom = Text("lastVisitFrom"),
            LastVisitTo = Text("lastVisitTo"),
            Services = Commas("services"),
            Sources = Commas("sources"),
            TemplateKey = Text("templateKey"),
            TemplateKeyB = Text("templateKeyB"),
            SplitPercentB = Integer("splitPercentB"),
            Channels = Many("channels"),
            StartAt = Moment("startAt"),
            EndAt = Moment("endAt"),
            WindowFrom = Text("windowFrom"),
            WindowTo = Text("windowTo"),
            ThrottlePerHour = Integer("throttlePerHour"),
            HoldoutPercent = Integer("holdoutPercent"),
            AttributionDays = Integer("attributionDays"),
            RecentCampaignDays = Integer("recentCampaignDays"),
            Journey = Text("journey"),
            DaysBefore = Integer("daysBefore"),
            RepeatAfterDays = Integer("repeatAfterDays"),
        };
        if (Text("startAt") is null)
        {
            errors["startAt"] = ["укажите, когда начать"];
        }

        foreach (var (field, reason) in definition.Problems(audienceOptions).Where(p => !errors.ContainsKey(p.Field)))
        {
            errors[field] = errors.TryGetValue(field, out var known) ? [.. known, reason] : [reason];
        }

        return (errors.Count == 0 ? definition : null, values, errors);
    }

    /// <summary>A definition as the builder's fields, its times in the clinic's zone.</summary>
    internal static Dictionary<string, string> ToForm(CampaignDefinition d, TimeZoneInfo zone)
    {
        string? Local(string? iso) => iso is null ? null
            : TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture), zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string?>
        {
            ["name"] = d.Name,
            ["clinicIds"] = d.ClinicIds is null ? null : string.Join(',', d.ClinicIds),
            ["segments"] = d.Segments is null ? null : string.Join(',', d.Segments),
            ["ageFrom"] = d.AgeFrom?.ToString(CultureInfo.InvariantCulture),
            ["ageTo"] = d.AgeTo?.ToString(CultureInfo.InvariantCulture),
            ["sex"] = d.Sex,
            ["lastVisitFrom"] = d.LastVisitFrom,
            ["lastVisitTo"] = d.LastVisitTo,
            ["services"] = d.Services is null ? null : string.Join(", ", d.Services),
            ["sources"] = d.Sources is null ? null : string.Join(", ", d.Sources),
            ["templateKey"] = d.TemplateKey,
            ["templateKeyB"] = d.TemplateKeyB,
            ["splitPercentB"] = d.SplitPercentB?.ToString(CultureInfo.InvariantCulture),
            ["channels"] = d.Channels is null ? null : string.Join(',', d.Channels),
            ["startAt"] = Local(d.StartAt),
            ["endAt"] = Local(d.EndAt),
            ["windowFrom"] = d.WindowFrom,
            ["windowTo"] = d.WindowTo,
            ["throttlePerHour"] = d.ThrottlePerHour?.ToString(CultureInfo.InvariantCulture),
            ["holdoutPercent"] = d.HoldoutPercent?.ToString(CultureInfo.InvariantCulture),
            ["attributionDays"] = d.AttributionDays?.ToString(CultureInfo.InvariantCulture),
            ["recentCampaignDays"] = d.RecentCampaignDays?.ToString(CultureInfo.InvariantCulture),
            ["journey"] = d.Journey,
            ["daysBefore"] = d.DaysBefore?.ToString(CultureInfo.InvariantCulture),
            ["repeatAfterDays"] = d.RepeatAfterDays?.ToString(CultureInfo.InvariantCulture),
        };
        return values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);
    }

    private static IResult NotMarketer(HttpContext http) =>
        StaffHtml.Message(http, StatusCodes.Status403Forbidden, "Рассылки создаёт маркетолог",
            "Создавать и изменять рассылки может сотрудник с ролью «маркетолог».", "/campaigns", "Все рассылки");

    private static IResult StaleForm(HttpContext http, string back) =>
        StaffHtml.Message(http, StatusCodes.Status400BadRequest, "Форма устарела", "Откройте страницу заново и повторите.", back, "Открыть заново");
}
