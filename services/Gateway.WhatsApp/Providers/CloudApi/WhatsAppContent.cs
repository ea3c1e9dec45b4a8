namespace Comms.Gateway.WhatsApp.Providers.CloudApi;

/// <summary>What one Cloud API message carries: free-form inside the 24-hour window, a template outside it.</summary>
public abstract record WhatsAppContent
{
    /// <summary>"text", "buttons", "list" or "template": what the attempt recorded and the docs name.</summary>
    public abstract string Form { get; }

    public sealed record Text(string Body) : WhatsAppContent
    {
        public override string Form => "text";
    }

    /// <summary>Interactive reply buttons (at most 3; title ≤ 20 characters).</summary>
    public sealed record Buttons(string Body, IReadOnlyList<Choice> Choices) : WhatsAppContent
    {
        public override string Form => "buttons";
    }

    /// <summary>An interactive list (at most 10 rows; title ≤ 24 characters) behind a button ≤ 20 characters.</summary>
    public sealed record List(string Body, string Button, IReadOnlyList<Choice> Choices) : WhatsAppContent
    {
        public override string Form => "list";
    }

    /// <summary>An approved template with its body parameters, in order.</summary>
    public sealed record Template(string Name, string Locale, IReadOnlyList<string> Parameters) : WhatsAppContent
    {
        public override string Form => "template";
    }
}

/// <param name="Id">Comes back in the patient's <c>button_reply</c> / <c>list_reply</c>.</param>
public sealed record Choice(string Id, string Title);
