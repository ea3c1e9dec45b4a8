using Comms.Contracts;

namespace Comms.Benchmarks.Sms;

/// <summary>
/// What became of the run's messages, from the gateway's tables and the simulator's inbox and request log: rates,
/// latencies, and whether it was exact (every consented SMS accepted and at the provider exactly once, every
/// unconsented one blocked and never at the provider).
/// </summary>
public sealed class SmsOutcome
{
    public required int Consented { get; init; }

    public required int Unconsented { get; init; }

    public required int Accepted { get; init; }

    public required int Blocked { get; init; }

    public required IReadOnlyDictionary<string, int> Statuses { get; init; }

    public required IReadOnlyDictionary<string, int> BlockedReasons { get; init; }

    public required IReadOnlyDictionary<int, int> Segments { get; init; }

    public required DateTimeOffset FirstPublish { get; init; }

    public required DateTimeOffset? LastAccepted { get; init; }

    public required DateTimeOffset? LastHandled { get; init; }

    /// <summary>Consented SMS accepted per second, from the first publish to the last acceptance.</summary>
    public required double AcceptRate { get; init; }

    /// <summary>Acceptances per second between the 10th and the 90th percentile of acceptance times: no ramp-up, no tail.</summary>
    public required double SteadyAcceptRate { get; init; }

    /// <summary>All SendSms (accepted and blocked) handled per second, first publish to last outcome.</summary>
    public required double HandleRate { get; init; }

    public required LagStatistics? PublishToConsumed { get; init; }

    public required LagStatistics? ConsumedToAccepted { get; init; }

    public required LagStatistics? PublishToAccepted { get; init; }

    public required LagStatistics? PublishToBlocked { get; init; }

    public required int InboxEntries { get; init; }

    public required int SendRequests { get; init; }

    public required int Delivered { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public bool Exact => Problems.Count == 0;

    public static SmsOutcome Analyze(
        Workload workload,
        PublishResult published,
        IReadOnlyList<MessageRow> rows,
        IReadOnlyDictionary<Guid, int> attempts,
        IReadOnlyList<InboxEntry> inbox,
        IReadOnlyList<SendCall> requests)
    {
        var problems = new List<string>();
        void Problem(string what, IEnumerable<string> samples, int count)
        {
            if (count > 0)
            {
                problems.Add($"{count:N0} {what}: {string.Join(", ", samples.Take(5))}{(count > 5 ? ", …" : "")}");
            }
        }

        var planned = workload.Messages.ToDictionary(m => m.MessageId);
        var byId = rows.ToDictionary(r => r.MessageId);
        static bool IsAccepted(string status) => status is MessageStatuses.Accepted or MessageStatuses.Sent or MessageStatuses.Delivered;

        var missing = workload.Messages.Where(m => !byId.ContainsKey(m.MessageId)).ToList();
        Problem("messages never reached the gateway's table", missing.Select(m => m.MessageId.ToString()), missing.Count);
        var strangers = rows.Where(r => !planned.ContainsKey(r.MessageId)).ToList();
        Problem("rows in the gateway's table that the benchmark did not publish", strangers.Select(r => r.MessageId.ToString()), strangers.Count);

        var consentedRows = workload.Messages.Where(m => m.Consented && byId.ContainsKey(m.MessageId)).Select(m => byId[m.MessageId]).ToList();
        var unconsentedRows = workload.Messages.Where(m => !m.Consented && byId.ContainsKey(m.MessageId)).Select(m => byId[m.MessageId]).ToList();

        var notAccepted = consentedRows.Where(r => !IsAccepted(r.Status)).ToList();
        Problem("consented messages not accepted", notAccepted.Select(r => $"{r.MessageId} {r.Status} ({r.Reason})"), notAccepted.Count);
        var notOnce = consentedRows.Where(r => attempts.GetValueOrDefault(r.MessageId) != 1).ToList();
        Problem("consented messages not called at the provider exactly once", notOnce.Select(r => $"{r.MessageId} {attempts.GetValueOrDefault(r.MessageId)} attempts"), notOnce.Count);
        var notBlocked = unconsentedRows.Where(r => r.Status != MessageStatuses.Blocked).ToList();
        Problem("messages without consent not blocked", notBlocked.Select(r => $"{r.MessageId} {r.Status}"), notBlocked.Count);
        var calledAnyway = unconsentedRows.Where(r => attempts.ContainsKey(r.MessageId)).ToList();
        Problem("messages without consent with a provider attempt", calledAnyway.Select(r => r.MessageId.ToString()), calledAnyway.Count);

        var inboxByPhone = inbox.GroupBy(e => e.To).ToDictionary(g => g.Key, g => g.Count());
        var notOnceAtSimulator = workload.Messages.Where(m => m.Consented && inboxByPhone.GetValueOrDefault(m.Phone) != 1).ToList();
        Problem("consented numbers without exactly one SMS at the simulator", notOnceAtSimulator.Select(m => $"{m.Phone} ×{inboxByPhone.GetValueOrDefault(m.Phone)}"), notOnceAtSimulator.Count);
        var leaked = workload.Messages.Where(m => !m.Consented && inboxByPhone.ContainsKey(m.Phone)).ToList();
        Problem("numbers without consent that got an SMS at the simulator", leaked.Select(m => m.Phone), leaked.Count);
        var unknownNumbers = inboxByPhone.Keys.Where(p => workload.ByPhone(p) is null).ToList();
        Problem("SMS at the simulator for numbers not in the run", unknownNumbers, unknownNumbers.Count);
        if (requests.Count != workload.Consented)
        {
            problems.Add($"the simulator received {requests.Count:N0} send requests for {workload.Consented:N0} consented messages");
        }

        var inboxIds = inbox.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var unmatched = consentedRows.Where(r => r.ProviderMessageId is null || !inboxIds.Contains(r.ProviderMessageId)).ToList();
        Problem("accepted messages whose provider id is not in the simulator's inbox", unmatched.Select(r => $"{r.MessageId} {r.ProviderMessageId}"), unmatched.Count);

        var publishedAt = published.PublishedAt;
        TimeSpan? Since(Guid id, DateTimeOffset? at) => at is { } when && publishedAt.TryGetValue(id, out var from) ? when - from : null;

        var accepted = consentedRows.Where(r => IsAccepted(r.Status) && r.AcceptedAt is not null).ToList();
        var blocked = unconsentedRows.Where(r => r.Status == MessageStatuses.Blocked).ToList();
        var acceptedTimes = accepted.Select(r => r.AcceptedAt!.Value).Order().ToList();
        DateTimeOffset? lastAccepted = acceptedTimes.Count > 0 ? acceptedTimes[^1] : null;
        var handledTimes = acceptedTimes.Concat(blocked.Select(r => r.UpdatedAt)).ToList();
        DateTimeOffset? lastHandled = handledTimes.Count > 0 ? handledTimes.Max() : null;

        var steady = 0.0;
        if (acceptedTimes.Count >= 20)
        {
            var from = acceptedTimes.Count / 10;
            var to = acceptedTimes.Count * 9 / 10;
            var span = (acceptedTimes[to] - acceptedTimes[from]).TotalSeconds;
            steady = span > 0 ? (to - from) / span : double.NaN;
        }

        return new SmsOutcome
        {
            Consented = workload.Consented,
            Unconsented = workload.Unconsented,
            Accepted = accepted.Count,
            Blocked = blocked.Count,
            Statuses = rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()),
            // The reason names the consent's method and date in brackets: grouped without them.
            BlockedReasons = blocked.GroupBy(r => (r.Reason ?? "").Split(" (")[0]).ToDictionary(g => g.Key, g => g.Count()),
            Segments = rows.Where(r => r.Segments is not null).GroupBy(r => r.Segments!.Value).ToDictionary(g => g.Key, g => g.Count()),
            FirstPublish = published.FirstAt,
            LastAccepted = lastAccepted,
            LastHandled = lastHandled,
            AcceptRate = lastAccepted is { } la ? accepted.Count / (la - published.FirstAt).TotalSeconds : double.NaN,
            SteadyAcceptRate = steady,
            HandleRate = lastHandled is { } lh ? (accepted.Count + blocked.Count) / (lh - published.FirstAt).TotalSeconds : double.NaN,
            PublishToConsumed = LagStatistics.Of(rows.Select(r => Since(r.MessageId, r.CreatedAt)).OfType<TimeSpan>()),
            ConsumedToAccepted = LagStatistics.Of(accepted.Select(r => r.AcceptedAt!.Value - r.CreatedAt)),
            PublishToAccepted = LagStatistics.Of(accepted.Select(r => Since(r.MessageId, r.AcceptedAt)).OfType<TimeSpan>()),
            PublishToBlocked = LagStatistics.Of(blocked.Select(r => Since(r.MessageId, r.UpdatedAt)).OfType<TimeSpan>()),
            InboxEntries = inbox.Count,
            SendRequests = requests.Count,
            Delivered = consentedRows.Count(r => r.Status == MessageStatuses.Delivered),
            Problems = problems,
        };
    }
}
