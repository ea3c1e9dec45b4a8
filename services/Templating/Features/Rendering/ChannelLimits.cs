using Comms.Contracts;

namespace Comms.Templating.Features.Rendering;

/// <summary>
/// How long a text each channel takes (docs/whatsapp.md, docs/max.md), in UTF-16 characters as .NET counts them (an
/// emoji counts 2: a text inside the limit here is inside it however the provider counts).
/// </summary>
public static class ChannelLimits
{
    /// <summary>A WhatsApp text message (Cloud API).</summary>
    public const int WhatsAppText = 4096;

    /// <summary>An interactive WhatsApp body (reply buttons, a list): a longer text goes as plain text, without buttons.</summary>
    public const int WhatsAppInteractive = 1024;

    /// <summary>An approved WhatsApp template's body, the parameters substituted: no parameter can be longer.</summary>
    public const int WhatsAppTemplateBody = 1024;

    /// <summary>A MAX bot message.</summary>
    public const int MaxText = 4000;

    /// <summary>The text limit of a channel; null when it has none of its own (SMS counts parts, email has none).</summary>
    public static int? TextOf(string channel) => channel switch
    {
        Channels.WhatsApp => WhatsAppText,
        Channels.Max => MaxText,
        _ => null,
    };
}
