namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>SMS.ru status codes (DOMAIN.md, provider docs) and what each means for a message.</summary>
public static class SmsRuCodes
{
    public const int Ok = 100;
    public const int Delivered = 103;

    /// <summary>Send-time codes after which the message was surely not sent, and another try may succeed.</summary>
    public static bool IsTemporary(int code) => code is 201 or 220 or (>= 230 and <= 233) or 500;

    /// <summary>The account's stop-list (209) or the carrier's, where the subscriber refused mailings (215).</summary>
    public static bool IsStopList(int code) => code is 209 or 215;

    /// <summary>Receipt codes that end a message as failed.</summary>
    public static bool IsFailedReceipt(int code) => code is (>= 104 and <= 108) or 150;

    public static string Describe(int code) => code switch
    {
        101 => "sent to the carrier",
        102 => "on its way",
        103 => "delivered",
        104 => "expired: the phone was unreachable for the message's lifetime",
        105 => "deleted by the carrier",
        106 => "the phone failed to receive it",
        107 => "not delivered, reason unknown",
        108 => "rejected by the carrier",
        150 => "no route to this number",
        200 => "wrong api_id",
        201 => "not enough money on the SMS.ru account",
        202 => "wrong recipient number, or no route to it",
        203 => "no message text",
        204 => "sender name not approved",
        205 => "message too long",
        206 => "daily limit reached",
        207 => "no route to this number",
        208 => "wrong time parameter",
        209 => "number is in the account's stop-list",
        215 => "number is on the carrier's stop-list (the subscriber refused mailings)",
        220 => "SMS.ru is temporarily unavailable",
        230 => "too many messages to this number today",
        231 => "too many identical messages to this number in a minute",
        232 => "too many identical messages to this number today",
        233 => "too many messages in a short time",
        _ => $"SMS.ru code {code}",
    };
}
