using Comms.Inbox.Persistence;
using Comms.StaffAccounts;
using Microsoft.AspNetCore.Mvc;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// <c>/api/v1/inbox</c>: the front desk's conversations as JSON, for a signed-in person with the role <c>reception</c>
/// (the page uses the same desk). A conversation of a clinic the person does not see is answered 404.
/// </summary>
public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/inbox").RequireAuthorization(InboxSignIn.Policy).WithTags("Inbox");
        api.MapGet("/conversations", ListAsync).WithName("ListConversations")
            .WithSummary("The person's conversations: those waiting for an answer first, newest on top, then the others, newest first");
        api.MapGet("/conversations/{id:guid}", GetAsync).WithName("GetConversation")
            .WithSummary("A conversation's thread, notes, the patient's channels and the latest of its audit; the opening is audited");
        api.MapPost("/conversations/{id:guid}/replies", ReplyAsync).WithName("ReplyInConversation")
            .WithSummary("A reply to the patient: a service message on the channel they last wrote on, or the next with their consent");
        api.MapPost("/conversations/{id:guid}/assign", AssignAsync).WithName("AssignConversation");
        api.MapPost("/conversations/{id:guid}/done", DoneAsync).WithName("CloseConversation");
        api.MapPost("/conversations/{id:guid}/notes", NoteAsync).WithName("NoteConversation");
        api.MapPost("/conversations/{id:guid}/reschedule-requests", RescheduleAsync).WithName("RequestReschedule")
            .WithSummary("Passes a patient's message about moving or cancelling the visit to the MIS (appointment.reschedule_requested)");
        return routes;
    }

    public sealed record ReplyBody(string? Text, string? Channel);

    public sealed record AssignBody(string? To);

    public sealed record NoteBody(string? Text);

    public sealed record RescheduleBody(Guid? EntryId);

    private static StaffUser Staff(HttpContext http) => http.User.Staff() ?? throw new InvalidOperationException("The API requires a signed-in person.");

    private static async Task<IResult> ListAsync(HttpContext http, InboxDesk desk, TimeProvider time, string? clinicId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = await desk.ListAsync(Staff(http), clinicId, 200, cancellationToken);
        return TypedResults.Ok(list.Select(s => new
        {
            id = s.Conversation.Id, clinicId = s.Conversation.ClinicId, patientId = s.Conversation.PatientId, patientName = s.PatientName, status = s.Conversation.Status,
            assignedTo = s.Conversation.AssignedTo, waitingSince = s.Conversation.WaitingSince,
            waitingMinutes = s.Conversation.WaitingSince is { } since ? (int?)(now - since).TotalMinutes : null,
            lastInboundChannel = s.Conversation.LastInboundChannel, lastMessageAt = s.Conversation.LastMessageAt, rescheduleHint = s.RescheduleHint,
        }));
    }

    private static async Task<IResult> GetAsync(HttpContext http, InboxDesk desk, Guid id, CancellationToken cancellationToken) =>
        await desk.OpenAsync(Staff(http), id, cancellationToken) is { } thread
            ? TypedResults.Ok(new
            {
                id = thread.Conversation.Id, clinicId = thread.Conversation.ClinicId, patientId = thread.Conversation.PatientId,
                status = thread.Conversation.Status, assignedTo = thread.Conversation.AssignedTo, waitingSince = thread.Conversation.WaitingSince,
                entries = thread.Entries.Select(e => new
                {
                    id = e.Id, direction = e.Direction, channel = e.Channel, text = e.Text, kind = e.Kind, author = e.Author, status = e.Status,
                    statusReason = e.StatusReason, rescheduleHint = e.RescheduleHint, automatic = e.Automatic, appointmentId = e.AppointmentId, at = e.At,
                }),
                notes = thread.Notes.Select(n => new { author = n.Author, text = n.Text, at = n.At }),
                channels = thread.Channels.Select(c => new { channel = c.Channel, contact = c.Contact, granted = c.Granted }),
                audit = thread.Audit.Select(a => new { actor = a.Actor, action = a.Action, detail = a.Detail, at = a.At }),
                patient = thread.Patient is { } p ? new { lastName = p.LastName, firstName = p.FirstName, middleName = p.MiddleName, phone = p.Phone, email = p.Email } : null,
                nextAppointment = thread.NextAppointment is { } a2 ? new { appointmentId = a2.AppointmentId, startsAt = a2.StartsAt, confirmation = a2.Confirmation } : null,
            })
            : NotFound();

    private static async Task<IResult> ReplyAsync(HttpContext http, InboxDesk desk, Guid id, [FromBody] ReplyBody? body, CancellationToken cancellationToken)
    {
        InboxDesk.Refusal? refusal = null;
        var sent = await desk.ReplyAsync(Staff(http), id, body?.Text, body?.Channel, r => refusal = r, cancellationToken);
        return sent is { } reply ? TypedResults.Created($"/api/v1/inbox/conversations/{id}", new { messageId = reply.MessageId, channel = reply.Channel }) : Problem(refusal!);
    }

    private static async Task<IResult> AssignAsync(HttpContext http, InboxDesk desk, Guid id, [FromBody] AssignBody? body, CancellationToken cancellationToken)
    {
        if (body?.To is { Length: > 200 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Не длиннее 200 символов."] });
        }

        return await desk.AssignAsync(Staff(http), id, body?.To, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    private static async Task<IResult> DoneAsync(HttpContext http, InboxDesk desk, Guid id, CancellationToken cancellationToken) =>
        await desk.DoneAsync(Staff(http), id, cancellationToken) ? TypedResults.NoContent() : NotFound();

    private static async Task<IResult> NoteAsync(HttpContext http, InboxDesk desk, Guid id, [FromBody] NoteBody? body, CancellationToken cancellationToken)
    {
        var text = body?.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 2000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["Заметка: от 1 до 2000 символов."] });
        }

        return await desk.NoteAsync(Staff(http), id, text, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    private static async Task<IResult> RescheduleAsync(HttpContext http, InboxDesk desk, Guid id, [FromBody] RescheduleBody? body, CancellationToken cancellationToken)
    {
        if (body?.EntryId is not { } entryId)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["entryId"] = ["Укажите сообщение пациента."] });
        }

        return await desk.RequestRescheduleAsync(Staff(http), id, entryId, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Нет такого разговора",
        detail: "Разговора нет, или он принадлежит клинике, которой вы не видите.");

    private static IResult Problem(InboxDesk.Refusal refusal) => refusal.Field is { } field && refusal.Status == StatusCodes.Status400BadRequest
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [refusal.Reason] })
        : TypedResults.Problem(statusCode: refusal.Status, title: refusal.Status == StatusCodes.Status404NotFound ? "Нет такого разговора" : "Ответ не отправлен",
            detail: refusal.Reason, extensions: refusal.Field is null ? null : new Dictionary<string, object?> { ["field"] = refusal.Field });
}
