using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Gateway.Max.Persistence;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Max.Features.Linking;

/// <summary>What became of a user's attempt to link with a token, and what the bot answers them.</summary>
public enum LinkOutcome
{
    Linked,
    AlreadyLinked,
    Invalid,
    Expired,
    UsedByAnother,
}

/// <summary>
/// A MAX user opened a personal link: when its token is this gateway's, unexpired, and not already used by another
/// user, the patient's account is stored and <see cref="MessengerLinked"/> goes into the outbox in the same
/// SaveChanges (the caller's). The update itself, summarised, is the consent evidence.
/// </summary>
public sealed class MaxLinker(MaxDbContext db, LinkTokens tokens, TimeProvider time)
{
    public async Task<LinkOutcome> LinkAsync(string? token, string userId, long? chatId, string evidence, CancellationToken cancellationToken)
    {
        if (!tokens.TryRead(token, out var linkId, out var expiresAt) ||
            await db.LinkRequests.FindAsync([linkId], cancellationToken) is not { } request)
        {
            return LinkOutcome.Invalid;
        }

        var now = time.GetUtcNow();
        if (request.UsedByUserId is { } usedBy)
        {
            return usedBy == userId ? LinkOutcome.AlreadyLinked : LinkOutcome.UsedByAnother;
        }

        if (now > expiresAt || now > request.ExpiresAt)
        {
            return LinkOutcome.Expired;
        }

        request.UsedByUserId = userId;
        request.UsedAt = now;
        var link = await db.Links.FindAsync([request.ClinicId, request.PatientId], cancellationToken);
        if (link is null)
        {
            db.Links.Add(new MaxLink
            {
                ClinicId = request.ClinicId, PatientId = request.PatientId, UserId = userId, ChatId = chatId, LinkId = linkId, LinkedAt = now,
            });
        }
        else
        {
            link.UserId = userId;
            link.ChatId = chatId;
            link.LinkId = linkId;
            link.LinkedAt = now;
        }

        db.Publish(new MessengerLinked(linkId, Channels.Max, request.ClinicId, request.PatientId, userId, evidence, now), time);
        return LinkOutcome.Linked;
    }

    /// <summary>What the bot writes back in the dialog.</summary>
    public static string AnswerFor(LinkOutcome outcome) => outcome switch
    {
        LinkOutcome.Linked => "Готово: теперь клиника будет присылать вам сюда напоминания о приёмах. Чтобы отписаться, напишите «СТОП».",
        LinkOutcome.AlreadyLinked => "Ваш аккаунт уже подключён: напоминания о приёмах будут приходить сюда.",
        LinkOutcome.Expired => "Ссылка устарела. Пожалуйста, попросите в клинике новую ссылку.",
        _ => "Эта ссылка не подходит. Пожалуйста, откройте личную ссылку, которую прислала клиника, или попросите новую.",
    };
}
