using Comms.Delivery.Consent;

namespace Comms.Gateway.Max.Providers.BotApi;

/// <summary>A text, with one row of callback buttons when it asks for an answer.</summary>
/// <param name="Buttons">Each button's payload (what a tap sends back: "1", "2", a rating digit) and its text.</param>
public sealed record MaxContent(string Text, IReadOnlyList<(string Payload, string Label)> Buttons)
{
    public string Form => Buttons.Count == 0 ? "text" : "buttons";
}

/// <summary>The Bot API's answer to one send.</summary>
public abstract record MaxSendResult
{
    /// <param name="Mid">The message's id at MAX (<c>message.body.mid</c>): a tap's update names it.</param>
    public sealed record Sent(string Mid) : MaxSendResult;

    /// <summary>Not sent; <see cref="Kind"/> says what the dispatcher does.</summary>
    public sealed record Refused(int HttpStatus, string Reason, MaxRefusal Kind) : MaxSendResult;

    /// <summary>The request left and no answer says what became of it (a timeout, a cut connection, a 5xx other than 503):
    /// it may be in the chat. Never resent.</summary>
    public sealed record Unknown(string Reason) : MaxSendResult;
}

public enum MaxRefusal
{
    /// <summary>429: surely not sent; wait and try again.</summary>
    RateLimited,

    /// <summary>Surely not sent, for a reason that may pass at once (503, MAX unreachable): try again after a pause.</summary>
    Retry,

    /// <summary>Not sent, for a reason that will not pass by retrying now (the token refused): failed-temporary.</summary>
    Temporary,

    /// <summary>403 (the user never started the bot or blocked it), 404, 400: failed-permanent.</summary>
    Permanent,
}

/// <summary>One message to one linked MAX user; the consent gate's clearance is the only way to their id.</summary>
public sealed record MaxSendRequest(ConsentClearance Clearance, MaxContent Content);
