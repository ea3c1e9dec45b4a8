using System.ComponentModel.DataAnnotations;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>Broker connection, section <c>RabbitMq</c> (env: RabbitMq__Host, RabbitMq__Port, …).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "comms";

    [Required]
    public string Password { get; set; } = "comms";

    /// <summary>Concurrent messages per receive endpoint.</summary>
    [Range(1, 1000)]
    public int PrefetchCount { get; set; } = 16;
}
