using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comms.Contracts;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers.SmsRu;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Webhooks;

/// <summary>
/// SMS.ru's callback (configured in its cabinet as https://…/webhooks/sms-ru?token=…): form fields data[0], data[1]…,
/// each a few lines: "sms_status\n&lt;sms_id&gt;\n&lt;code&gt;\n&lt;unix time&gt;" for receipts,
/// "sms_income\n&lt;from&gt;\n&lt;to&gt;\n&lt;unix time&gt;\n&lt;text&gt;" for patients' replies. SMS.ru expects "100" back
/// and retries otherwise, which is what we want when a receipt overtakes the send it belongs to.
/// </summary>
public static partial class SmsRuWebhooks
{
    public static IEndpointRouteBuilder MapSmsRuWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/webhooks/sms-ru", Receive)
            .WithTags("Webhooks")
            .WithSummary("SMS.ru delivery receipts and inbound SMS")
            .DisableAntiforgery();
        return routes;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> Receive(
        HttpRequest request,
        string? token,
        SmsDbContext db,
        DeliveryRecorder recorder,
        ReplyRouter replies,
        OptOuts optOuts,
        TimeProvider time,
        IOptions<SmsRuOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SmsRuWebhooks));
        if (!TokenMatches(token, options.Value.CallbackToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong or missing callback token",
                detail: "The callback URL must carry ?token= as configured in Sms:SmsRu:CallbackToken.");
        }

        if (!request.HasFormContentType)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["data"] = ["expected form fields data[0], data[1], …"] });
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var entries = form.Where(f => f.Key.StartsWith("data[", StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["data"] = ["no data[N] fields in the callback"] });
        }

        var errors = new Dictionary<string, string[]>();
        var unknownReceipts = 0;
        foreach (var entry in entries)
        {
            var lines = entry.Value.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            switch (lines[0].Trim())
            {
                case "sms_status" when lines.Length >= 3 && int.TryParse(lines[2], CultureInfo.InvariantCulture, out var code):
                    if (!await ApplyReceiptAsync(db, recorder, lines[1].Trim(), code, cancellationToken))
                    {
                        unknownReceipts++;
                    }

                    break;
                case "sms_income" when lines.Length >= 5 && ContactNormalizer.TryNormalizePhone(lines[1].Trim().StartsWith('+') ? lines[1].Trim() : "+" + lines[1].Trim(), out var from):
                    var receivedAt = long.TryParse(lines[3], CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : time.GetUtcNow();
                    var text = string.Join('\n', lines[4..]);
                    await RecordReplyAsync(db, replies, optOuts, from, text, lines[3].Trim(), receivedAt, time, cancellationToken);
                    LogReply(logger, ContactNormalizer.Mask(from));
                    break;
                case "callcheck_status":
                    break;
                default:
                    errors[entry.Key] = ["not an sms_status or sms_income entry of the expected form"];
                    break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (errors.Count == entries.Count)
        {
            return TypedResults.ValidationProblem(errors, title: "No callback entry could be read");
        }

        foreach (var error in errors)
        {
            LogUnreadable(logger, error.Key);
        }

        if (unknownReceipts > 0)
        {
            // Most likely the receipt overtook our own commit of the provider's id: ask SMS.ru to try again.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Receipt for a message not known yet",
                detail: $"{unknownReceipts} receipt(s) name an sms_id this gateway has not recorded; retry later.");
        }

        return TypedResults.Text("100", "text/plain");
    }

    private static async Task<bool> ApplyReceiptAsync(SmsDbContext db, DeliveryRecorder recorder, string smsId, int code, CancellationToken cancellationToken)
    {
        var message = await db.Messages.SingleOrDefaultAsync(m => m.Provider == "smsru" && m.ProviderMessageId == smsId, cancellationToken);
        if (message is null)
        {
            return false;
        }

        if (code == SmsRuCodes.Delivered)
        {
            recorder.Transition(message, MessageStatuses.Delivered);
        }
        else if (SmsRuCodes.IsFailedReceipt(code))
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, $"SMS.ru {code}: {SmsRuCodes.Describe(code)}");
        }

        return true;
    }

    /// <summary>
    /// Opt-out words first, always: "СТОП" revokes the channel here and now and goes to the ledger, and is not
    /// treated as an answer. A callback SMS.ru repeats must not count twice: (sender, time, text) identifies one SMS.
    /// </summary>
    private static async Task RecordReplyAsync(
        SmsDbContext db, ReplyRouter replies, OptOuts optOuts, string from, string text, string stamp, DateTimeOffset receivedAt,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var key = $"smsru-in|{from}|{stamp}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}";
        if (!await db.TryBeginAsync(key, "webhook-sms-ru", time, cancellationToken))
        {
            return;
        }

        if (OptOutWords.IsOptOut(text))
        {
            var last = await db.Messages.AsNoTracking().Where(m => m.Contact == from && m.Channel == Channels.Sms)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            await optOuts.RecordAsync(Channels.Sms, from, OptOutWords.RefusedPurposes, "reply", text.Trim(),
                last?.ClinicId, last?.PatientId, last?.MessageId, cancellationToken);
            return;
        }

        await replies.RecordAsync(Channels.Sms, from, text, receivedAt, cancellationToken);
    }

    private static bool TokenMatches(string? presented, string expected) =>
        !string.IsNullOrEmpty(presented) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound SMS from {Phone}")]
    private static partial void LogReply(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS.ru callback field {Field} could not be read and was skipped")]
    private static partial void LogUnreadable(ILogger logger, string field);
}
