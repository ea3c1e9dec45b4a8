using System.Globalization;
using Comms.Contracts;
using Comms.Delivery.Consent;
using Comms.Gateway.Email.Features.Sending;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Providers.Smtp;

/// <summary>One mail for the relay: it can only be made with the gate's clearance, whose contact becomes the recipient.</summary>
public sealed record EmailSendRequest(ConsentClearance Clearance, MimeMessage Message);

/// <summary>What the relay made of one try.</summary>
public abstract record EmailSendResult
{
    /// <summary>250 after the data: the relay has the mail and its delivery is now its job.</summary>
    public sealed record Sent(string ServerResponse) : EmailSendResult;

    /// <summary>A 5xx: the relay refuses this mail for good (unknown mailbox, policy).</summary>
    public sealed record Rejected(int Code, string Reason) : EmailSendResult;

    /// <summary>Surely not taken (a 4xx, no connection, the link lost before any of the data left): safe to try again.</summary>
    public sealed record NotSent(int? Code, string Reason) : EmailSendResult;

    /// <summary>The link was lost after the data went out: the relay may or may not have the mail.</summary>
    public sealed record Unknown(string Reason) : EmailSendResult;
}

/// <summary>
/// The SMTP adapter (MailKit): one connection per try — connect, authenticate when configured, MAIL/RCPT/DATA,
/// QUIT. Every failure is turned into a <see cref="EmailSendResult"/>: nothing but cancellation escapes.
/// </summary>
public sealed partial class SmtpMailer(ISmtpClient client, IOptions<EmailOptions> options, ILogger<SmtpMailer> logger)
{
    public const string ProviderName = "smtp";

    public async Task<EmailSendResult> SendAsync(EmailSendRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value.Smtp;
        var message = request.Message;
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(request.Clearance.ContactFor(Channels.Email)));

        var progress = new DataProgress();
        try
        {
            client.Timeout = (int)settings.Timeout.TotalMilliseconds;
            var security = !settings.UseTls ? SecureSocketOptions.None
                : settings.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTls;
            await client.ConnectAsync(settings.Host, settings.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.Username))
            {
                await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
            }

            var response = await client.SendAsync(message, cancellationToken, progress);
            await QuitQuietlyAsync(cancellationToken);
            return new EmailSendResult.Sent(response);
        }
        catch (SmtpCommandException ex)
        {
            await QuitQuietlyAsync(cancellationToken);
            var code = (int)ex.StatusCode;
            var reason = $"SMTP {code.ToString(CultureInfo.InvariantCulture)} {ex.Message.Trim()}";
            return code switch
            {
                >= 500 and < 600 => new EmailSendResult.Rejected(code, reason),
                >= 400 and < 500 => new EmailSendResult.NotSent(code, reason),
                _ when progress.DataStarted => new EmailSendResult.Unknown(reason),
                _ => new EmailSendResult.NotSent(code, reason),
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Connection refused or reset, TLS or authentication failure, a protocol error or a timeout.
            await QuitQuietlyAsync(cancellationToken);
            var reason = $"{Describe(ex)} talking to {settings.Host}:{settings.Port.ToString(CultureInfo.InvariantCulture)}";
            LogFailed(logger, settings.Host, ex.GetType().Name, progress.DataStarted);
            return progress.DataStarted
                ? new EmailSendResult.Unknown($"{reason}, after the mail's data had started to go out")
                : new EmailSendResult.NotSent(null, reason);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        AuthenticationException => "authentication refused (check Email:Smtp:Username/Password)",
        SslHandshakeException => "TLS handshake failed",
        System.Net.Sockets.SocketException socket => $"connection failed ({socket.SocketErrorCode})",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private async Task QuitQuietlyAsync(CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The outcome is already known; a QUIT that fails changes nothing. The next try opens a new connection.
            await client.DisconnectAsync(quit: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP relay {Host}: {Error} (data started: {DataStarted})")]
    private static partial void LogFailed(ILogger logger, string host, string error, bool dataStarted);

    /// <summary>MailKit reports progress only while it writes the mail's data (after DATA's 354): before that, a lost
    /// connection cannot have delivered anything.</summary>
    private sealed class DataProgress : ITransferProgress
    {
        public bool DataStarted { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => DataStarted = true;

        public void Report(long bytesTransferred) => DataStarted = true;
    }
}
