using System.Globalization;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Features.Pages;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Comms.Gateway.Email.Features.Answers;

/// <summary>
/// <c>GET /answer/{token}</c>: the page behind a confirmation email's «Подтвердить» / «Отменить» button. It only asks:
/// mail scanners and link previews fetch the links in a mail, and a fetch must change nothing.
/// <c>POST /answer/{token}</c> (the page's button): the answer, published as the patient's reply to that very message
/// (<see cref="PatientReplied"/> with "1" or "2", as a reply by mail or SMS would be), once per message: a second click
/// is told the message was already answered. Expired and forged links get a Russian page (a browser) or problem
/// details (anything else), with a 4xx status.
/// </summary>
public static partial class AnswerApi
{
    public static IEndpointRouteBuilder MapAnswerApi(this IEndpointRouteBuilder routes)
    {
        // No antiforgery token: the signed link is what a third party cannot forge.
        var group = routes.MapGroup("/answer").WithTags("Answers").DisableAntiforgery();
        group.MapGet("/{token}", ShowPageAsync).WithSummary("The page behind a confirmation email's button (asks first; changes nothing)");
        group.MapPost("/{token}", AnswerAsync).WithSummary("The patient's answer to a confirmation request, from the page's button");
        return routes;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> ShowPageAsync(
        string token, HttpRequest http, AnswerLinks links, EmailDbContext db, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(token, links, db, cancellationToken);
        if (read.Given is { } given)
        {
            return Page(AlreadyAnswered(given.Answer));
        }

        if (read.Refusal is { } refusal)
        {
            return Refuse(http, refusal);
        }

        return Page(read.Link.Answer == AnswerLinks.Confirm
            ? new AnswerPage("Подтверждение записи", """
                <p>Вы придёте на приём? Нажмите кнопку, и клиника узнает, что запись в силе.</p>
                <form method="post"><input type="hidden" name="confirm" value="1">
                <button type="submit" id="answer">Подтвердить запись</button></form>
                """)
            : new AnswerPage("Отмена записи", """
                <p>Не сможете прийти? Нажмите кнопку, и клиника узнает, что запись нужно отменить.</p>
                <form method="post"><input type="hidden" name="confirm" value="1">
                <button type="submit" id="answer">Отменить запись</button></form>
                """));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> AnswerAsync(
        string token,
        HttpRequest http,
        AnswerLinks links,
        EmailDbContext db,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var read = await ReadAsync(token, links, db, cancellationToken);
        if (read.Given is null && read.Refusal is { } refusal)
        {
            return Refuse(http, refusal);
        }

        var form = http.HasFormContentType ? await http.ReadFormAsync(cancellationToken) : null;
        if (form?["confirm"].ToString() != "1")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an answer",
                detail: "confirm: must be 1. Post the form of the link's page; following the link alone changes nothing.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["confirm"] = ["must be 1"] } });
        }

        if (read.Given is { } given)
        {
            return Page(AlreadyAnswered(given.Answer), given.Answer == read.Link.Answer ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
        }

        var message = read.Message!;
        var now = time.GetUtcNow();
        db.LinkAnswers.Add(new LinkAnswer { MessageId = message.MessageId, Answer = read.Link.Answer, AnsweredAt = now });
        db.Publish(new PatientReplied(Guid.CreateVersion7(), Channels.Email, message.Contact, read.Link.Answer, message.MessageId, message.ExpectedReply,
            message.ClinicId, message.PatientId, message.AppointmentId, now), time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two clicks at once: the other one answered.
            db.ChangeTracker.Clear();
            var first = await db.LinkAnswers.AsNoTracking().SingleAsync(a => a.MessageId == message.MessageId, cancellationToken);
            return Page(AlreadyAnswered(first.Answer), first.Answer == read.Link.Answer ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
        }

        LogAnswered(loggers.CreateLogger(typeof(AnswerApi)), message.MessageId, read.Link.Answer);
        return Page(read.Link.Answer == AnswerLinks.Confirm
            ? new AnswerPage("Запись подтверждена", "<p id=\"done\">Спасибо! Мы передали клинике, что вы придёте.</p>")
            : new AnswerPage("Запрос на отмену отправлен", "<p id=\"done\">Спасибо, что предупредили. Мы передали клинике, что запись нужно отменить.</p>"));
    }

    /// <summary>The link, its message and the answer already given by link; or why the link cannot answer.</summary>
    private static async Task<LinkRead> ReadAsync(string token, AnswerLinks links, EmailDbContext db, CancellationToken cancellationToken)
    {
        var state = links.Read(token, out var link);
        if (state == AnswerLinkState.Invalid)
        {
            return new LinkRead(link, null, null, InvalidLink);
        }

        // An answered message says so whatever the link's age: "you already answered" is truer than "expired".
        var given = await db.LinkAnswers.AsNoTracking().FirstOrDefaultAsync(a => a.MessageId == link.MessageId, cancellationToken);
        if (state == AnswerLinkState.Expired)
        {
            return new LinkRead(link, null, given, Expired(link));
        }

        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == link.MessageId && m.Channel == Channels.Email, cancellationToken);
        return new LinkRead(link, message, given, message is null ? UnknownMessage : null);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Refuse(HttpRequest http, Refusal refusal) => PatientPage.WantsHtml(http)
        ? TypedResults.Content(PatientPage.Render(refusal.Page.Title, refusal.Page.Body), PatientPage.ContentType, null, refusal.Status)
        : TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail);

    private static ContentHttpResult Page(AnswerPage page, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(PatientPage.Render(page.Title, page.Body), PatientPage.ContentType, null, status);

    private static AnswerPage AlreadyAnswered(string answer) => answer == AnswerLinks.Confirm
        ? new AnswerPage("Ответ уже получен", "<p id=\"already\">Вы уже подтвердили эту запись. Если планы изменились, позвоните, пожалуйста, в клинику.</p>")
        : new AnswerPage("Ответ уже получен", "<p id=\"already\">Вы уже попросили отменить эту запись. Если всё же сможете прийти, позвоните, пожалуйста, в клинику.</p>");

    private static readonly Refusal InvalidLink = new(StatusCodes.Status400BadRequest, "Invalid answer link",
        "The link is damaged or was not issued by this clinic's messaging service.",
        new AnswerPage("Ссылка недействительна", "<p id=\"invalid\">Ссылка повреждена или открыта не из письма клиники. Откройте её из письма ещё раз или позвоните, пожалуйста, в клинику.</p>"));

    private static readonly Refusal UnknownMessage = new(StatusCodes.Status404NotFound, "Message not found",
        "The link names a message this gateway has no record of.",
        new AnswerPage("Письмо не найдено", "<p id=\"unknown\">Мы не нашли письмо, из которого открыта ссылка. Позвоните, пожалуйста, в клинику.</p>"));

    private static Refusal Expired(AnswerLink link) => new(StatusCodes.Status410Gone, "Answer link expired",
        $"The link answered until {link.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}; the clinic takes answers by phone now.",
        new AnswerPage("Срок ссылки истёк", "<p id=\"expired\">Эта ссылка больше не действует. Чтобы подтвердить или отменить запись, позвоните, пожалуйста, в клинику.</p>"));

    private sealed record AnswerPage(string Title, string Body);

    private sealed record Refusal(int Status, string Title, string Detail, AnswerPage Page);

    private sealed record LinkRead(AnswerLink Link, OutgoingMessage? Message, LinkAnswer? Given, Refusal? Refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} answered {Answer} by its link")]
    private static partial void LogAnswered(ILogger logger, Guid messageId, string answer);
}
