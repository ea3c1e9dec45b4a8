using System.Text.Json.Serialization;
using Comms.ProviderSimulator.Inbox;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>SMS Aero's envelope around every answer.</summary>
public sealed record SmsAeroEnvelope(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("data")] object? Data,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>One message as SMS Aero shows it: in the send answer, a status lookup, a list and a receipt alike.</summary>
public sealed record SmsAeroSms(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("number")] string Number,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("extendStatus")] string ExtendStatus,
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("cost")] string Cost,
    [property: JsonPropertyName("dateCreate")] long DateCreate,
    [property: JsonPropertyName("dateSend")] long DateSend,
    [property: JsonPropertyName("dateAnswer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DateAnswer)
{
    /// <summary>The sign used when a send names none.</summary>
    public const string DefaultSign = "SMS Aero";

    public static SmsAeroSms Of(InboxMessage message) => new(
        long.Parse(message.Id, System.Globalization.CultureInfo.InvariantCulture),
        message.Sender ?? DefaultSign,
        message.To.TrimStart('+'),
        message.Text,
        message.StatusCode,
        SmsAeroStatus.ExtendStatusOf(message.StatusCode),
        "DIRECT",
        SmsAeroAccount.Format(message.Cost),
        message.ReceivedAt.ToUnixTimeSeconds(),
        message.ReceivedAt.ToUnixTimeSeconds(),
        message.StatusChangedAt?.ToUnixTimeSeconds());
}

/// <summary>An inbound SMS to the account's two-way number, as POSTed to the cabinet's callback (unverified shape).</summary>
public sealed record SmsAeroInbound(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("dateReceive")] long DateReceive);
