using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Comms.Gateway.Email.Tests;

/// <summary>
/// A small SMTP server of our own, for what maildev cannot do on demand: answer a recipient with 550 or 451, drop
/// the connection after the data, or hold its answer to the data. It speaks real SMTP over TCP (greeting, EHLO, MAIL, RCPT, DATA, RSET, QUIT), so
/// MailKit talks to it exactly as to a relay. Each recipient can be given a script of what its next transactions get.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<Mail> _accepted = new();
    private readonly ConcurrentQueue<string> _dataSeen = new();
    private readonly ConcurrentQueue<string> _recipientsSeen = new();
    private readonly Task _accepting;

    public ScriptedSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>When in a transaction the scripted answer is given.</summary>
    public enum Stage
    {
        /// <summary>In answer to RCPT TO.</summary>
        Recipient,

        /// <summary>In answer to the data's final dot.</summary>
        EndOfData,

        /// <summary>The data is read whole, then the connection is closed without an answer.</summary>
        DropAfterData,

        /// <summary>The data is read whole, then nothing is answered until the client goes away.</summary>
        StallAfterData,
    }

    public sealed record Reply(Stage Stage, string Line = "");

    public sealed record Mail(string Recipient, string Data);

    /// <summary>The next transactions to <paramref name="recipient"/> get these answers, one each; later ones get 250.</summary>
    public void Script(string recipient, params Reply[] replies) => _scripts[recipient] = new ConcurrentQueue<Reply>(replies);

    /// <summary>Mails taken with a 250 after their data.</summary>
    public IReadOnlyList<Mail> AcceptedFor(string recipient) => [.. _accepted.Where(m => string.Equals(m.Recipient, recipient, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Recipients whose mail data reached this server, taken or not.</summary>
    public int DataTransfersFor(string recipient) => _dataSeen.Count(r => string.Equals(r, recipient, StringComparison.OrdinalIgnoreCase));

    /// <summary>RCPT commands naming <paramref name="recipient"/>, whatever they were answered.</summary>
    public int RecipientsSeen(string recipient) => _recipientsSeen.Count(r => string.Equals(r, recipient, StringComparison.OrdinalIgnoreCase));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.Latin1);
                await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 scripted.test ESMTP");
                string? recipient = null;
                Reply? scripted = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250 scripted.test");
                            break;
                        case "HELO":
                        case "NOOP":
                        case "MAIL":
                            await writer.WriteLineAsync("250 2.0.0 OK");
                            break;
                        case "RSET":
                            recipient = null;
                            await writer.WriteLineAsync("250 2.0.0 OK");
                            break;
                        case "RCPT":
                            recipient = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
                            _recipientsSeen.Enqueue(recipient);
                            scripted = _scripts.TryGetValue(recipient, out var queue) && queue.TryDequeue(out var next) ? next : null;
                            if (scripted is { Stage: Stage.Recipient })
                            {
                                await writer.WriteLineAsync(scripted.Line);
                                recipient = null;
                            }
                            else
                            {
                                await writer.WriteLineAsync("250 2.1.5 OK");
                            }

                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            {
                                data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                            }

                            _dataSeen.Enqueue(recipient ?? "");
                            if (scripted is { Stage: Stage.DropAfterData })
                            {
                                return;
                            }

                            if (scripted is { Stage: Stage.StallAfterData })
                            {
                                while (await reader.ReadLineAsync(_stop.Token) is not null)
                                {
                                }

                                return;
                            }

                            if (scripted is { Stage: Stage.EndOfData })
                            {
                                await writer.WriteLineAsync(scripted.Line);
                            }
                            else
                            {
                                _accepted.Enqueue(new Mail(recipient ?? "", data.ToString()));
                                await writer.WriteLineAsync("250 2.0.0 queued as scripted");
                            }

                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("502 5.5.2 not implemented");
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
