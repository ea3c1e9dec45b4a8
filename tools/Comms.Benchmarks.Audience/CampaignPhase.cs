using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Benchmarks.Audience;

/// <summary>What the campaign phase measured, each beside its baseline.</summary>
/// <param name="Consents">Setting up: the marketing consents written straight into the service's projection.</param>
/// <param name="TodayScoring">The scoring as of today the preview reads (the watcher keeps it warm in production).</param>
/// <param name="ConsentRead">Baseline of the preview: reading the audience's consent rows in SQL alone.</param>
/// <param name="Previews">Each preview of the whole clinic, timed.</param>
/// <param name="FreezeCopy">Baseline of the launch: the same number of rows of the recipients' width by binary COPY into a bare unlogged table.</param>
public sealed record CampaignResult(
    SqlTiming Consents,
    TimedAnswer TodayScoring,
    SqlTiming ConsentRead,
    IReadOnlyList<TimedAnswer> Previews,
    TimedAnswer Launch,
    SqlTiming FreezeCopy,
    int Audience,
    int Recipients,
    int Holdout,
    int NoConsent,
    long Frozen,
    long Planned,
    DateTimeOffset? LastDue);

/// <summary>
/// A campaign to the whole synthetic clinic, through the service's API as the pages drive it: a marketer makes it,
/// previews it, an approver launches it; then the frozen list is read back. 95 % of the patients have a marketing
/// consent on SMS; the campaign starts tomorrow, so nothing is sent while the run lasts.
/// </summary>
public static partial class CampaignPhase
{
    public const string Marketer = "bench-marketer";
    public const string Approver = "bench-approver";
    private const string FreezeBaselineTable = "bench_freeze_baseline";

    /// <summary>A password for this run only, and its hash in the format Staff:Accounts takes (PBKDF2-SHA256).</summary>
    public static (string Password, string Hash) Credentials() => StaffSession.Credentials();

    public static async Task<CampaignResult> RunAsync(
        AudienceDatabase database, AudienceClient client, Uri baseAddress, string password, string clinicId, int patients, Action<string> say,
        CancellationToken cancellationToken)
    {
        say($"campaign: marketing consents on SMS for 95 % of {patients:N0} patients, written straight into channel_consents");
        var consents = await WriteConsentsAsync(database, clinicId, patients, cancellationToken);
        var consented = patients - (patients + 19) / 20;
        say($"  {consents.Rows:N0} rows in {consents.Elapsed.TotalSeconds:0.00} s");

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        say($"  the scoring as of today ({today}), which the preview reads and the watcher keeps warm: GET …/model?asOf={today}");
        var scoring = await client.GetAsync($"api/v1/audience/clinics/{clinicId}/model?asOf={today}", cancellationToken);
        say($"  {(int)scoring.Status} in {scoring.Elapsed.TotalSeconds:0.00} s");

        var consentRead = await ReadConsentsAsync(database, clinicId, cancellationToken);
        say($"baseline: the audience's consent rows read in SQL alone: {consentRead.Rows:N0} in {consentRead.Elapsed.TotalMilliseconds:0} ms");

        using var marketer = await SignInAsync(baseAddress, Marketer, password, cancellationToken);
        using var approver = await SignInAsync(baseAddress, Approver, password, cancellationToken);
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var definition = JsonSerializer.Serialize(new
        {
            name = "Бенчмарк: вся клиника",
            clinicIds = new[] { clinicId },
            templateKey = "campaign.offer",
            channels = new[] { "sms" },
            startAt = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            endAt = start.AddDays(30).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            throttlePerHour = 20_000,
            holdoutPercent = 10,
            recentCampaignDays = 0,
        });
        var created = await SendAsync(marketer, HttpMethod.Post, "api/v1/campaigns", definition, cancellationToken);
        if (created.Status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating the campaign answered {(int)created.Status}: {TimedAnswer.Clip(created.Text)}");
        }

        var id = created.Json.GetProperty("id").GetGuid();
        var previews = new List<TimedAnswer>();
        for (var i = 0; i < 3; i++)
        {
            var preview = await SendAsync(marketer, HttpMethod.Post, $"api/v1/campaigns/{id}/preview", null, cancellationToken);
            if (!preview.Ok)
            {
                throw new InvalidOperationException($"the preview answered {(int)preview.Status}: {TimedAnswer.Clip(preview.Text)}");
            }

            previews.Add(preview);
            say($"  preview {i + 1}: {preview.Elapsed.TotalSeconds:0.00} s");
        }

        var last = previews[^1].Json;
        var audience = last.GetProperty("audience").GetInt32();
        var recipients = last.GetProperty("recipients").GetInt32();
        var holdout = last.GetProperty("holdout").GetInt32();
        var noConsent = last.GetProperty("excluded").EnumerateArray().Where(e => e.GetProperty("reason").GetString() == "no_consent")
            .Sum(e => e.GetProperty("count").GetInt32());
        say($"  audience {audience:N0}: {recipients:N0} to send, {holdout:N0} held out, {noConsent:N0} without consent (expected {patients - consented:N0})");

        var freeze = await FreezeBaselineAsync(database, audience, cancellationToken);
        say($"baseline: {freeze.Rows:N0} rows of the recipients' width by binary COPY into a bare unlogged table: {freeze.Elapsed.TotalSeconds:0.00} s");

        var launch = await SendAsync(approver, HttpMethod.Post, $"api/v1/campaigns/{id}/launch", null, cancellationToken);
        if (!launch.Ok)
        {
            throw new InvalidOperationException($"the launch answered {(int)launch.Status}: {TimedAnswer.Clip(launch.Text)}");
        }

        say($"  launch (approve, select, freeze every recipient with its due time and consent record): {launch.Elapsed.TotalSeconds:0.00} s");
        var (frozen, planned, lastDue) = await FrozenAsync(database, id, cancellationToken);
        say($"  frozen {frozen:N0} rows, {planned:N0} planned, the last due {lastDue:yyyy-MM-dd HH:mm} UTC");
        return new CampaignResult(consents, scoring, consentRead, previews, launch, freeze, audience, recipients, holdout, noConsent, frozen, planned, lastDue);
    }

    private static async Task<SqlTiming> WriteConsentsAsync(AudienceDatabase database, string clinicId, int patients, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var written = 0L;
        await using (var copy = await connection.BeginBinaryImportAsync(
            """COPY channel_consents ("ClinicId", "PatientId", "Channel", "Purpose", "Granted", "Sequence", "ChangedAt", "Contact", "Method") FROM STDIN (FORMAT BINARY)""",
            cancellationToken))
        {
            for (var p = 0; p < patients; p++)
            {
                if (p % 20 == 0)
                {
                    continue; // one in twenty never consented to advertising
                }

                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(clinicId, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(SyntheticClinic.PatientId(p), NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync("sms", NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync("marketing", NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
                await copy.WriteAsync((long)p + 1, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync("+7900" + p.ToString("0000000", CultureInfo.InvariantCulture), NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync("mis_checkbox", NpgsqlDbType.Varchar, cancellationToken);
                written++;
            }

            await copy.CompleteAsync(cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await using var analyze = new NpgsqlCommand("ANALYZE channel_consents", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
        return new SqlTiming(elapsed, written);
    }

    private static async Task<SqlTiming> ReadConsentsAsync(AudienceDatabase database, string clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT "PatientId", "Channel", "Granted", "Contact", "Sequence", "ChangedAt" FROM channel_consents WHERE "ClinicId" = $1 AND "Purpose" = 'marketing'""",
            connection) { Parameters = { new() { Value = clinicId } } };
        var clock = Stopwatch.StartNew();
        var rows = 0L;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows++;
            }
        }

        return new SqlTiming(clock.Elapsed, rows);
    }

    private static async Task<SqlTiming> FreezeBaselineAsync(AudienceDatabase database, int rows, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS {FreezeBaselineTable};
            CREATE UNLOGGED TABLE {FreezeBaselineTable} (campaign uuid, clinic text, patient text, grp text, state text, channel text,
                sequence bigint, changed timestamptz, message uuid, due timestamptz)
            """, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var campaign = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {FreezeBaselineTable} (campaign, clinic, patient, grp, state, channel, sequence, changed, message, due) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var p = 0; p < rows; p++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(campaign, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(BenchmarkSettings.ClinicId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(SyntheticClinic.PatientId(p), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync("a", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync("planned", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync("sms", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync((long)p, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(now.AddSeconds(p), NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await using (var drop = new NpgsqlCommand($"DROP TABLE {FreezeBaselineTable}", connection))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        return new SqlTiming(elapsed, rows);
    }

    private static async Task<(long Frozen, long Planned, DateTimeOffset? LastDue)> FrozenAsync(AudienceDatabase database, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT count(*), count(*) FILTER (WHERE "State" = 'planned'), max("DueAt") FILTER (WHERE "State" = 'planned') FROM campaign_recipients WHERE "CampaignId" = $1""",
            connection) { Parameters = { new() { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    private static Task<HttpClient> SignInAsync(Uri baseAddress, string name, string password, CancellationToken cancellationToken) =>
        StaffSession.SignInAsync(baseAddress, "analytics/sign-in", name, password, cancellationToken);

    private static async Task<TimedAnswer> SendAsync(HttpClient http, HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await TimedAnswer.SendAsync(http, request, cancellationToken);
    }

}
