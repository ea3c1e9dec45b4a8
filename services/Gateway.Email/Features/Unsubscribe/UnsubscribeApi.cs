using Comms.Contracts.Mis;
using System.Net;
using Comms.Contracts;
using Comms.Delivery.Consent;
using Comms.Gateway.Email.Features.Pages;
using Comms.Gateway.Email.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Gateway.Email.Features.Unsubscribe;

/// <summary>
/// <c>POST /unsubscribe/{token}</c>: RFC 8058 one-click unsubscribe (mail clients post <c>List-Unsubscribe=One-Click</c>),
/// and the form of the link page. <c>GET /unsubscribe/{token}</c>: the page a patient sees when following the link;
/// it asks before unsubscribing, because mail scanners follow links too. The refusal takes effect here at once and goes
/// to the consent ledger as an opt-out with this evidence.
/// </summary>
public static class UnsubscribeApi
{
    public static IEndpointRouteBuilder MapUnsubscribeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/unsubscribe").WithTags("Unsubscribe").DisableAntiforgery();
        group.MapGet("/{token}", ShowPage).WithSummary("The unsubscribe page behind an email's link (asks to confirm)");
        group.MapPost("/{token}", Unsubscribe).WithSummary("One-click unsubscribe (RFC 8058) or the page's confirmation");
        return routes;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> ShowPage(string token, UnsubscribeLinks links)
    {
        if (!links.TryRead(token, out var request))
        {
            return InvalidLink();
        }

        var what = request.Purpose == Purposes.Marketing ? "рекламные и информационные рассылки" : "уведомления о приёмах";
        return TypedResults.Content(PatientPage.Render("Отписка от писем", $"""
            <p>Адрес <b>{WebUtility.HtmlEncode(request.Contact)}</b> больше не будет получать {what} по электронной почте.</p>
            <form method="post"><input type="hidden" name="confirm" value="1">
            <button type="submit" id="unsubscribe">Отписаться</button></form>
            """), PatientPage.ContentType);
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Unsubscribe(
        string token,
        HttpRequest http,
        UnsubscribeLinks links,
        EmailDbContext db,
        OptOuts optOuts,
        CancellationToken cancellationToken)
    {
        if (!links.TryRead(token, out var request))
        {
            return InvalidLink();
        }

        var form = http.HasFormContentType ? await http.ReadFormAsync(cancellationToken) : null;
        var oneClick = form?["List-Unsubscribe"].ToString() == "One-Click";
        var confirmed = form?["confirm"].ToString() == "1";
        if (!oneClick && !confirmed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an unsubscribe request",
                detail: "POST the form field List-Unsubscribe=One-Click (RFC 8058), or confirm on the page.");
        }

        await RecordAsync(optOuts, request, oneClick ? "List-Unsubscribe=One-Click" : "unsubscribe page, confirmed", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        return oneClick
            ? TypedResults.Text("Unsubscribed", "text/plain")
            : TypedResults.Content(PatientPage.Render("Вы отписаны", $"<p id=\"done\">Готово: на адрес <b>{WebUtility.HtmlEncode(request.Contact)}</b> такие письма больше не придут.</p>"),
                PatientPage.ContentType);
    }

    /// <summary>
    /// Records the refusal a link stands for, unless it already stands: the link posted again or the mailto sent twice
    /// record nothing, while the same link used after the patient consented again records a new refusal, so the answer
    /// «Готово» is true either way. The caller saves.
    /// </summary>
    internal static async Task RecordAsync(OptOuts optOuts, UnsubscribeRequest request, string evidence, CancellationToken cancellationToken) =>
        await optOuts.RecordUnlessStandingAsync(Channels.Email, request.Contact, [request.Purpose], ConsentMethods.EmailLink, evidence, request.ClinicId,
            request.PatientId, request.MessageId, cancellationToken);

    private static ProblemHttpResult InvalidLink() => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid unsubscribe link", detail: "The link is damaged or was not issued by this clinic's messaging service.");
}
