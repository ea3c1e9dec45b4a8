using Comms.Gateway.Sms.Providers;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>An account's standing as this gateway replica sees it.</summary>
/// <param name="ErrorRate">Failed share of the calls in the window.</param>
/// <param name="AccountProblem">The account ran out of money or was refused (credentials, IP, sender name), and no
/// message has been accepted on it since: it outlasts the cooldown, which only decides when the account is tried again.</param>
public sealed record AccountHealth(
    string Account, string Provider, bool Degraded, string? Reason, DateTimeOffset? Since, int CallsInWindow, double ErrorRate,
    DateTimeOffset? SkippedUntil, AccountProblem? AccountProblem);

/// <summary>What the provider said when it refused the account itself, and since when.</summary>
/// <param name="Kind"><see cref="NotSentKind.NoFunds"/> or <see cref="NotSentKind.AccountProblem"/>.</param>
public sealed record AccountProblem(NotSentKind Kind, string Reason, DateTimeOffset Since)
{
    /// <summary>For operators: "out of money since …" and what to do.</summary>
    public string Describe() => Kind == NotSentKind.NoFunds
        ? $"out of money since {Since:u} ({Reason}); top up the account: its messages go to the next account of each route meanwhile"
        : $"refused by the provider since {Since:u} ({Reason}); check the account's credentials, allowed IPs and sender name";
}

/// <summary>
/// Which accounts are fit to send, from three signals: the error rate of recent calls (not sent, unknown); an account
/// that ran out of money, is misconfigured or rate-limited us (skipped for a cooldown); and receipts that stay away
/// (<see cref="ReceiptWatch"/>). A degraded account goes to the back of every route, not out of it: when every account
/// is degraded the message still tries them all. It comes back by itself when the signal clears: old failures leave the
/// window, the cooldown ends, receipts arrive. Each replica keeps its own call statistics; the receipt signal comes from
/// the shared database.
/// </summary>
public sealed partial class ProviderHealth(IOptions<SmsOptions> options, TimeProvider time, ILogger<ProviderHealth> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<(DateTimeOffset At, bool Failed)>> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Until, string Reason)> _skips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _receiptProblems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Reason, DateTimeOffset Since)> _degraded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountProblem> _accountProblems = new(StringComparer.Ordinal);

    private SmsFailoverOptions Settings => options.Value.Failover;

    /// <summary>The route's accounts, healthy ones first in the configured order, then the degraded ones.</summary>
    public IReadOnlyList<string> Order(IReadOnlyList<string> route)
    {
        var healthy = new List<string>(route.Count);
        var degraded = new List<string>();
        foreach (var account in route)
        {
            (Evaluate(account).Degraded ? degraded : healthy).Add(account);
        }

        return [.. healthy, .. degraded];
    }

    /// <summary>Records the outcome of one send call.</summary>
    public void Record(string account, SmsSendResult result)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_calls.TryGetValue(account, out var calls))
            {
                _calls[account] = calls = new Queue<(DateTimeOffset, bool)>();
            }

            calls.Enqueue((now, result is SmsSendResult.NotSent or SmsSendResult.Unknown));
            switch (result)
            {
                case SmsSendResult.NotSent { Kind: NotSentKind.NoFunds or NotSentKind.AccountProblem } problem:
                    _skips[account] = (now + Settings.AccountProblemCooldown, problem.Reason);
                    _accountProblems[account] = _accountProblems.TryGetValue(account, out var known) && known.Kind == problem.Kind
                        ? known with { Reason = problem.Reason }
                        : new AccountProblem(problem.Kind, problem.Reason, now);
                    LogAlert(logger, account, problem.Kind.ToString(), problem.Reason);
                    break;
                case SmsSendResult.Accepted when _accountProblems.Remove(account, out var solved):
                    LogAccountProblemSolved(logger, account, solved.Kind.ToString(), now - solved.Since);
                    break;
                case SmsSendResult.NotSent { Kind: NotSentKind.RateLimited } limited:
                    _skips[account] = (now + (limited.RetryAfter ?? Settings.RateLimitedCooldown), limited.Reason);
                    break;
            }
        }
    }

    /// <summary>Set by <see cref="ReceiptWatch"/>: a reason while too many receipts are overdue, null when they arrive.</summary>
    public void SetReceiptProblem(string account, string? reason)
    {
        lock (_gate)
        {
            if (reason is null)
            {
                _receiptProblems.Remove(account);
            }
            else
            {
                _receiptProblems[account] = reason;
            }
        }
    }

    public AccountHealth Evaluate(string account)
    {
        var now = time.GetUtcNow();
        var provider = options.Value.Accounts.TryGetValue(account, out var settings) ? settings.Provider : "";
        lock (_gate)
        {
            var calls = 0;
            var failed = 0;
            if (_calls.TryGetValue(account, out var queue))
            {
                while (queue.Count > 0 && queue.Peek().At < now - Settings.ErrorWindow)
                {
                    queue.Dequeue();
                }

                calls = queue.Count;
                failed = queue.Count(c => c.Failed);
            }

            var rate = calls == 0 ? 0 : (double)failed / calls;
            string? reason = null;
            DateTimeOffset? skippedUntil = null;
            if (_skips.TryGetValue(account, out var skip))
            {
                if (skip.Until > now)
                {
                    reason = $"skipped until {skip.Until:u}: {skip.Reason}";
                    skippedUntil = skip.Until;
                }
                else
                {
                    _skips.Remove(account);
                }
            }

            if (reason is null && calls >= Settings.MinimumCalls && rate >= Settings.ErrorRateThreshold)
            {
                reason = $"{failed} of the last {calls} calls failed";
            }

            if (reason is null && _receiptProblems.TryGetValue(account, out var receipts))
            {
                reason = receipts;
            }

            var since = Track(account, reason, now);
            return new AccountHealth(account, provider, reason is not null, reason, since, calls, rate, skippedUntil,
                _accountProblems.GetValueOrDefault(account));
        }
    }

    /// <summary>Logs each change of standing once, an alert for operators' log-based alerting.</summary>
    private DateTimeOffset? Track(string account, string? reason, DateTimeOffset now)
    {
        if (reason is null)
        {
            if (_degraded.Remove(account, out var was))
            {
                LogRecovered(logger, account, now - was.Since);
            }

            return null;
        }

        if (!_degraded.TryGetValue(account, out var current))
        {
            _degraded[account] = current = (reason, now);
            LogDegraded(logger, account, reason);
        }

        return current.Since;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ALERT SMS account {Account}: {Kind}: {Reason}. Sends move to the next account of each route until it is fixed.")]
    private static partial void LogAlert(ILogger logger, string account, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS account {Account} accepts messages again ({Kind} lasted {Duration})")]
    private static partial void LogAccountProblemSolved(ILogger logger, string account, string kind, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS account {Account} degraded: {Reason}; it goes to the back of every route")]
    private static partial void LogDegraded(ILogger logger, string account, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS account {Account} healthy again after {Duration}")]
    private static partial void LogRecovered(ILogger logger, string account, TimeSpan duration);
}
