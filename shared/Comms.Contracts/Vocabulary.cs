namespace Comms.Contracts;

/// <summary>Delivery channels. Values travel as these lower-case strings in every message and API.</summary>
public static class Channels
{
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Email = "email";
    public const string Max = "max";

    public static readonly IReadOnlyList<string> All = [Sms, WhatsApp, Email, Max];
}

/// <summary>Why a message is sent: it decides which consent it needs (126-ФЗ ст. 44.1; 38-ФЗ ст. 18 for marketing).</summary>
public static class Purposes
{
    public const string Service = "service";
    public const string Marketing = "marketing";

    public static readonly IReadOnlyList<string> All = [Service, Marketing];
}

/// <summary>Life of one message at a gateway.</summary>
public static class MessageStatuses
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Blocked = "blocked";

    public static bool IsFinal(string status) => status is Delivered or Failed or Blocked;
}
