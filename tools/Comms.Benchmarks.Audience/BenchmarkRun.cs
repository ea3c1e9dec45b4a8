using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Comms.Benchmarks.Audience;

/// <summary>
/// One run, start to end: the synthetic history and its CSV, a fresh database and virtual host, the real Audience
/// service (it migrates its schema), then in order the import and its COPY baseline, the raw aggregate, the cold refit
/// with its memory, the warm reads and the /health/live baseline, the MIS events in bulk, and the sampled patients read
/// right after their event. Exit code 0: every row taken and every count read back as generated; 1: not so;
/// 2: the run could not be carried out.
/// </summary>
public sealed class BenchmarkRun(BenchmarkSettings settings, InfrastructureSettings infrastructure)
{
    /// <summary>The service's queue on mis.events (its inbox records carry it as the receiver).</summary>
    public const string MisQueue = "audience-mis-events";

    private const string Clinic = BenchmarkSettings.ClinicId;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan RssEvery = TimeSpan.FromMilliseconds(100);

    private readonly List<string> _problems = [];

    private string AsOf => settings.LastDay.ToString("yyyy-MM-dd", Invariant);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var audienceDll = settings.AudienceDll ?? BuiltAudience.Dll();
        var workDirectory = Path.Combine(Path.GetTempPath(), "comms-bench-audience");
        Directory.CreateDirectory(workDirectory);
        var csvPath = Path.Combine(workDirectory, "visits.csv");
        var database = new AudienceDatabase(infrastructure.DatabaseConnectionString);

        Say($"Audience: {audienceDll}");
        var generation = await GenerateAsync(csvPath, cancellationToken);
        var clinic = generation.Clinic;

        Say($"database {InfrastructureSettings.Database}, virtual host {InfrastructureSettings.VirtualHost}: recreating");
        await infrastructure.RecreateDatabaseAsync(cancellationToken);
        await infrastructure.RecreateVirtualHostAsync(cancellationToken);

        ServiceProcess? service = null;
        try
        {
            var apiKey = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var (staffPassword, staffHash) = CampaignPhase.Credentials();
            var (environment, environmentNote) = EnvironmentName();
            service = ServiceProcess.Start("Comms.Audience", audienceDll, ServiceProcess.FreePort(),
                ServiceEnvironment(apiKey, staffHash, environment), Path.Combine(workDirectory, "audience.log"));
            Say($"Comms.Audience on :{service.Port} ({environmentNote}; log in {service.LogPath}); waiting for /health/ready");
            await service.WaitReadyAsync("health/ready", TimeSpan.FromMinutes(2), cancellationToken);
            var machine = await DescribeMachineAsync(database, cancellationToken);
            Say($"machine: {machine}");
            using var client = new AudienceClient(service.Http.BaseAddress!, apiKey);

            var import = await ImportAsync(client, service, clinic, csvPath, cancellationToken);
            Say("baseline: the same rows by binary COPY into a bare unlogged table");
            var copy = await database.CopyBaselineAsync(clinic, cancellationToken);
            Say($"  {N(copy.Rows)} rows in {Sec(copy.Elapsed)} ({N(copy.RowsPerSecond)} rows/s)");
            var vacuum = await database.VacuumAnalyzeAsync(cancellationToken);
            Say($"VACUUM ANALYZE visits: {Sec(vacuum)}");
            var aggregate = await database.AggregateBaselineAsync(Clinic, cancellationToken);
            Say($"baseline: the raw aggregate per patient in {Sec(aggregate.Elapsed)} ({N(aggregate.Rows)} patients)");

            var refit = await RefitAsync(client, service, clinic, cancellationToken);

            Say($"warm reads: {N(settings.WarmRequests)} GETs of unchanged patients, then {N(settings.WarmRequests)} of /health/live");
            var warmPatient = await WarmPatientsAsync(client, clinic, cancellationToken);
            var health = await HealthLiveAsync(client, cancellationToken);
            Say($"  patient p50 {Ms(warmPatient?.P50)} p99 {Ms(warmPatient?.P99)}; /health/live p50 {Ms(health?.P50)} p99 {Ms(health?.P99)}");

            var (eventVisits, sampleVisits) = PlanEvents(clinic);
            await using var mis = await MisEventPublisher.ConnectAsync(infrastructure, cancellationToken);
            var bulk = await BulkEventsAsync(mis, database, service, eventVisits, cancellationToken);
            var samples = await SamplesAsync(mis, database, client, service, clinic, eventVisits, sampleVisits, cancellationToken);

            Say("final checks: the model's patients and the visits by source");
            var finalModel = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/model?asOf={AsOf}", cancellationToken);
            Expect(finalModel.Ok, $"final GET …/model answered {(int)finalModel.Status}: {TimedAnswer.Clip(finalModel.Text)}");
            if (finalModel.Ok)
            {
                var patients = finalModel.Json.GetProperty("patients").GetInt32();
                Expect(patients == clinic.Patients, $"after the events the model counts {N(patients)} patients, {N(clinic.Patients)} were generated (the events were for existing patients)");
            }

            var sources = await database.VisitsBySourceAsync(Clinic, cancellationToken);
            var fromImport = sources.GetValueOrDefault("import");
            var fromMis = sources.GetValueOrDefault("mis");
            Expect(fromImport == clinic.Rows.Length, $"{N(fromImport)} imported visits in the database, {N(clinic.Rows.Length)} rows generated");
            Expect(fromMis == eventVisits.Count + samples.Taken, $"{N(fromMis)} visits from the MIS in the database, {N(eventVisits.Count + samples.Taken)} told");

            var campaign = await CampaignPhase.RunAsync(database, client, service.Http.BaseAddress!, staffPassword, Clinic, clinic.Patients, Say, cancellationToken);
            var consented = clinic.Patients - (clinic.Patients + 19) / 20;
            Expect(campaign.Audience == clinic.Patients, $"the campaign's audience is {N(campaign.Audience)} patients, the clinic has {N(clinic.Patients)}");
            Expect(campaign.NoConsent == clinic.Patients - consented, $"{N(campaign.NoConsent)} left out for no consent, {N(clinic.Patients - consented)} have none");
            Expect(campaign.Recipients + campaign.Holdout == consented, $"{N(campaign.Recipients)} to send and {N(campaign.Holdout)} held out, {N(consented)} consented");
            Expect(campaign.Frozen == campaign.Audience, $"{N(campaign.Frozen)} rows frozen at launch, the audience was {N(campaign.Audience)}");
            Expect(campaign.Planned == campaign.Recipients, $"{N(campaign.Planned)} planned at launch, the preview said {N(campaign.Recipients)}");

            var result = new BenchmarkResult
            {
                Campaign = campaign,
                Settings = settings,
                Machine = machine,
                Environment = environmentNote,
                Generation = generation,
                Import = import,
                Baseline = new BaselineResult(copy, vacuum, aggregate, health),
                Refit = refit,
                WarmPatient = warmPatient,
                Bulk = bulk,
                Samples = samples,
                FinalModel = finalModel,
                FinalRssBytes = RssSampler.ResidentBytes(service.Id),
            };

            Console.WriteLine();
            Console.WriteLine(result.ToMarkdown());
            Console.WriteLine(result.Headline());
            Console.WriteLine();
            foreach (var cpu in new[] { import.Cpu, refit.Cpu, bulk.Cpu, samples.Cpu })
            {
                if (cpu is { Others: > 0.2 })
                {
                    Say($"WARNING: other processes used {cpu.Others:0.00} cores during a phase of {Sec(cpu.Wall)}: the numbers are disturbed, run again on a quiet machine");
                }
            }

            if (_problems.Count > 0)
            {
                foreach (var problem in _problems)
                {
                    Say($"problem: {problem}");
                }

                Say("FAILED: the service did not read back what was generated");
                return 1;
            }

            Say($"OK: {N(import.Rows)} rows imported, none rejected; {N(clinic.Patients)} patients read back; every sampled patient's figures showed their event");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"benchmark: {ex.Message}");
            if (service is not null && !ex.Message.Contains($"--- {service.Name}", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync(service.Tail());
            }

            return 2;
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }

            if (!settings.Keep)
            {
                await infrastructure.DropDatabaseAsync(CancellationToken.None);
                await infrastructure.DeleteVirtualHostAsync(CancellationToken.None);
                File.Delete(csvPath);
            }
        }
    }

    private async Task<GenerationResult> GenerateAsync(string csvPath, CancellationToken cancellationToken)
    {
        Say($"generating the history: {N(settings.Patients)} patients, {N(settings.Visits)} rows over three years to {AsOf} (seed {settings.Seed})");
        var clock = Stopwatch.StartNew();
        var clinic = SyntheticClinic.Generate(settings.Patients, settings.Visits, settings.LastDay, settings.Seed);
        var generated = clock.Elapsed;
        clock.Restart();
        await clinic.WriteCsvAsync(csvPath, cancellationToken);
        var result = new GenerationResult(clinic, generated, clock.Elapsed, new FileInfo(csvPath).Length);
        Say($"  {N(clinic.CompletedRows)} completed, {N(clinic.Cancelled)} cancelled, {N(clinic.NoShows)} no-show; {N(clinic.RepeatPatients)} repeat patients; " +
            $"{csvPath}: {BenchmarkResult.MiB(result.FileBytes)} in {Sec(result.Written)}");
        return result;
    }

    private async Task<ImportResult> ImportAsync(AudienceClient client, ServiceProcess service, SyntheticClinic clinic, string csvPath, CancellationToken cancellationToken)
    {
        Say($"import: POST …/imports/visits?clinicId={Clinic} with {N(clinic.Rows.Length)} rows");
        var cpuStart = CpuSnapshot.TakeIfSupported();
        await using var rss = RssSampler.Start(service.Id, RssEvery);
        var answer = await client.ImportVisitsAsync(csvPath, cancellationToken);
        var memory = await rss.StopAsync();
        var cpu = CpuSplit.Since(cpuStart, service.Id);
        if (answer.Status != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"the import answered {(int)answer.Status}: {TimedAnswer.Clip(answer.Text)}");
        }

        var report = answer.Json;
        var rows = report.GetProperty("rows").GetInt32();
        var applied = report.GetProperty("applied").GetInt32();
        var rejected = report.GetProperty("rejected").GetInt32();
        var firstRejections = report.GetProperty("rejections").EnumerateArray().Take(5)
            .Select(r => $"line {r.GetProperty("line").GetInt32()} {r.GetProperty("field").GetString()}: {r.GetProperty("reason").GetString()}")
            .ToList();
        Expect(rows == clinic.Rows.Length, $"the import read {N(rows)} rows of {N(clinic.Rows.Length)}");
        Expect(applied == clinic.Rows.Length && rejected == 0, $"the import applied {N(applied)} and rejected {N(rejected)} of {N(clinic.Rows.Length)} valid rows" +
            (firstRejections.Count > 0 ? ": " + string.Join("; ", firstRejections) : ""));
        Say($"  {N(rows)} rows in {Sec(answer.Elapsed)} ({N(rows / answer.Elapsed.TotalSeconds)} rows/s), applied {N(applied)}, rejected {N(rejected)}");
        return new ImportResult(answer, rows, applied, rejected, firstRejections, cpu, memory);
    }

    private async Task<RefitResult> RefitAsync(AudienceClient client, ServiceProcess service, SyntheticClinic clinic, CancellationToken cancellationToken)
    {
        Say($"refit: the first GET …/model?asOf={AsOf} (reads every history, fits, scores every patient); RSS every {RssEvery.TotalMilliseconds:0} ms");
        var cpuStart = CpuSnapshot.TakeIfSupported();
        var rss = RssSampler.Start(service.Id, RssEvery);
        var cold = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/model?asOf={AsOf}", cancellationToken);
        var memory = await rss.StopAsync();
        await rss.DisposeAsync();
        var cpu = CpuSplit.Since(cpuStart, service.Id);
        if (!cold.Ok)
        {
            throw new InvalidOperationException($"GET …/model answered {(int)cold.Status}: {TimedAnswer.Clip(cold.Text)}");
        }

        var model = ModelFacts.Of(cold.Json);
        Expect(model.Patients == clinic.Patients, $"the model counts {N(model.Patients)} patients, {N(clinic.Patients)} were generated");
        Expect(model.RepeatPatients == clinic.RepeatPatients, $"the model counts {N(model.RepeatPatients)} repeat patients, the history has {N(clinic.RepeatPatients)}");
        Say($"  {N(model.Patients)} patients in {Sec(cold.Elapsed)}; peak RSS {BenchmarkResult.MiB(memory.PeakBytes)}; Audience {cpu?.AudienceSeconds:0.0} CPU s");

        var warmModel = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/model?asOf={AsOf}", cancellationToken);
        var page = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/patients?asOf={AsOf}&segment=at_risk&pageSize=50", cancellationToken);
        Expect(page.Ok, $"GET …/patients?segment=at_risk answered {(int)page.Status}");
        var atRisk = page.Ok ? page.Json.GetProperty("total").GetInt32() : 0;
        Expect(atRisk > 0, "no patient at risk in a history with lapsing regulars");
        var segments = new Dictionary<string, int>();
        foreach (var segment in new[] { "vip", "stable", "one_time", "unprofitable", "new", "at_risk", "lost" })
        {
            var count = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/patients?asOf={AsOf}&segment={segment}&pageSize=1", cancellationToken);
            segments[segment] = count.Ok ? count.Json.GetProperty("total").GetInt32() : -1;
        }

        Expect(segments.Values.Sum() == clinic.Patients, $"the segments hold {N(segments.Values.Sum())} patients, {N(clinic.Patients)} were generated");
        Say($"  warm: …/model {Ms(warmModel.Elapsed.TotalSeconds)}, at-risk page {Ms(page.Elapsed.TotalSeconds)} ({N(atRisk)} at risk)");
        return new RefitResult(cold, model, cpu, memory, warmModel, page, atRisk, segments);
    }

    /// <summary>Patients read one after another with nothing changed: the cached path of a manager's screen.</summary>
    private async Task<LagStatistics?> WarmPatientsAsync(AudienceClient client, SyntheticClinic clinic, CancellationToken cancellationToken)
    {
        var random = new Random(settings.Seed + 1);
        var times = new List<TimeSpan>(settings.WarmRequests);
        for (var i = 0; i < settings.WarmRequests; i++)
        {
            var patient = random.Next(clinic.Patients);
            var answer = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/patients/{SyntheticClinic.PatientId(patient)}?asOf={AsOf}", cancellationToken);
            Expect(answer.Ok, $"GET of patient {SyntheticClinic.PatientId(patient)} answered {(int)answer.Status}");
            if (answer.Ok && i < 50)
            {
                CheckRevenue(answer, clinic.Revenue[patient], "unchanged patient " + SyntheticClinic.PatientId(patient));
            }

            times.Add(answer.Elapsed);
        }

        return LagStatistics.Of(times);
    }

    private async Task<LagStatistics?> HealthLiveAsync(AudienceClient client, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>(settings.WarmRequests);
        for (var i = 0; i < settings.WarmRequests; i++)
        {
            var answer = await client.GetAsync("health/live", cancellationToken);
            Expect(answer.Ok, $"/health/live answered {(int)answer.Status}");
            times.Add(answer.Elapsed);
        }

        return LagStatistics.Of(times);
    }

    /// <summary>
    /// Which existing patients get a visit told by the MIS (a deterministic draw), on the history's last day so that
    /// the figures as of it count it; and the sample of them who get one more, timed one at a time.
    /// </summary>
    private (List<MisVisit> Events, List<MisVisit> Samples) PlanEvents(SyntheticClinic clinic)
    {
        var random = new Random(settings.Seed + 2);
        var order = Enumerable.Range(0, clinic.Patients).ToArray();
        random.Shuffle(order);
        MisVisit Visit(string prefix, int index, int patient)
        {
            var (code, price) = SyntheticClinic.Services[clinic.UsualService[patient]];
            return new MisVisit($"{prefix}-{index + 1:D6}", patient, settings.LastDay, 9 * 60 + index % 600, code,
                SyntheticClinic.DoctorId(patient % 60), price + 0.50m);
        }

        var events = order.Take(settings.Events).Select((p, i) => Visit("BENCH-E", i, p)).ToList();
        var samples = order.Take(settings.Samples).Select((p, i) => Visit("BENCH-S", i, p)).ToList();
        return (events, samples);
    }

    private async Task<BulkEventsResult> BulkEventsAsync(
        MisEventPublisher mis, AudienceDatabase database, ServiceProcess service, List<MisVisit> visits, CancellationToken cancellationToken)
    {
        if (visits.Count == 0)
        {
            return new BulkEventsResult(0, TimeSpan.Zero, 0, null, null);
        }

        Say($"events: {N(visits.Count * 2)} CloudEvents (appointment.booked + appointment.completed for {N(visits.Count)} existing patients) on {MisEventPublisher.Exchange}");
        var cpuStart = CpuSnapshot.TakeIfSupported();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await mis.PublishAllAsync(visits, inFlight: 64, cancellationToken);
        var published = clock.Elapsed;
        var deadline = DateTime.UtcNow.AddMinutes(15);
        var nextProgress = DateTime.UtcNow.AddSeconds(5);
        (long Count, DateTimeOffset? First, DateTimeOffset? Last) inbox;
        while (true)
        {
            service.ThrowIfExited();
            inbox = await database.InboxAsync(MisQueue, cancellationToken);
            if (inbox.Count >= visits.Count * 2 || DateTime.UtcNow > deadline)
            {
                break;
            }

            if (DateTime.UtcNow >= nextProgress)
            {
                Say($"  +{clock.Elapsed.TotalSeconds,4:0} s  applied {N(inbox.Count)} of {N(visits.Count * 2)}");
                nextProgress = nextProgress.AddSeconds(5);
            }

            await Task.Delay(250, cancellationToken);
        }

        var cpu = CpuSplit.Since(cpuStart, service.Id);
        var done = inbox.Count >= visits.Count * 2 && inbox.Last is { } last ? last - started : (TimeSpan?)null;
        Expect(done is not null, $"only {N(inbox.Count)} of {N(visits.Count * 2)} events applied within 15 minutes");
        var result = new BulkEventsResult(visits.Count, published, inbox.Count, done, cpu);
        Say($"  published in {Sec(published)}; {N(inbox.Count)} applied in {Sec(done)} ({N(result.ConsumeRate)} events/s)");
        return result;
    }

    /// <summary>
    /// One sampled patient at a time: their pair published, the visit watched in the database until it is completed,
    /// then their figures read and checked against the history plus both told visits.
    /// </summary>
    private async Task<SampleResult> SamplesAsync(
        MisEventPublisher mis, AudienceDatabase database, AudienceClient client, ServiceProcess service, SyntheticClinic clinic,
        List<MisVisit> events, List<MisVisit> samples, CancellationToken cancellationToken)
    {
        if (samples.Count == 0)
        {
            return new SampleResult(0, 0, false, null, null, null, 0, [], null, null);
        }

        Say($"samples: {N(samples.Count)} patients, one more pair each, their figures read as soon as it is applied (budget {Sec(settings.SampleBudget)})");
        var firstAmount = events.ToDictionary(v => v.Patient, v => v.AmountPaid);
        await using var watch = await VisitWatch.OpenAsync(database, cancellationToken);
        var consumed = new List<TimeSpan>();
        var read = new List<TimeSpan>();
        var total = new List<TimeSpan>();
        var mismatches = new List<string>();
        var cpuStart = CpuSnapshot.TakeIfSupported();
        var rss = RssSampler.Start(service.Id, RssEvery);
        var budget = Stopwatch.StartNew();
        var nextProgress = TimeSpan.FromSeconds(10);
        var budgetRanOut = false;
        foreach (var visit in samples)
        {
            if (budget.Elapsed >= settings.SampleBudget)
            {
                budgetRanOut = true;
                break;
            }

            service.ThrowIfExited();
            var clock = Stopwatch.StartNew();
            await mis.PublishAsync(visit, cancellationToken);
            if (!await watch.WaitCompletedAsync(visit.AppointmentId, TimeSpan.FromMilliseconds(2), TimeSpan.FromMinutes(2), cancellationToken))
            {
                Expect(false, $"the visit {visit.AppointmentId} of {visit.PatientId} was not applied within 2 minutes");
                break;
            }

            var applied = clock.Elapsed;
            var answer = await client.GetAsync($"api/v1/audience/clinics/{Clinic}/patients/{visit.PatientId}?asOf={AsOf}", cancellationToken);
            total.Add(clock.Elapsed);
            consumed.Add(applied);
            read.Add(answer.Elapsed);
            var expected = clinic.Revenue[visit.Patient] + (long)((firstAmount[visit.Patient] + visit.AmountPaid) * 100);
            if (!answer.Ok || !CheckRevenue(answer, expected, null))
            {
                mismatches.Add($"{visit.PatientId}: {(answer.Ok ? "revenue " + answer.Json.GetProperty("revenue").GetDecimal().ToString(Invariant) : "answer " + (int)answer.Status)}, " +
                    $"expected {SyntheticClinic.Rubles(expected).ToString(Invariant)}");
            }

            if (budget.Elapsed >= nextProgress)
            {
                Say($"  +{budget.Elapsed.TotalSeconds,4:0} s  {N(read.Count)} of {N(samples.Count)} sampled; last GET {Ms(answer.Elapsed.TotalSeconds)}");
                nextProgress += TimeSpan.FromSeconds(10);
            }
        }

        var memory = await rss.StopAsync();
        await rss.DisposeAsync();
        var cpu = CpuSplit.Since(cpuStart, service.Id);
        foreach (var mismatch in mismatches.Take(5))
        {
            Expect(false, "a sampled patient's figures did not show both told visits: " + mismatch);
        }

        var result = new SampleResult(samples.Count, read.Count, budgetRanOut, LagStatistics.Of(consumed), LagStatistics.Of(read), LagStatistics.Of(total),
            mismatches.Count, mismatches, cpu, memory);
        Say($"  {N(result.Taken)} sampled{(budgetRanOut ? " (budget ran out)" : "")}: GET after the event p50 {Ms(result.Read?.P50)} p99 {Ms(result.Read?.P99)}; " +
            $"applied p50 {Ms(result.Consumed?.P50)} after publishing");
        return result;
    }

    private bool CheckRevenue(TimedAnswer answer, long expectedKopecks, string? who)
    {
        var revenue = answer.Json.GetProperty("revenue").GetDecimal();
        var ok = revenue == SyntheticClinic.Rubles(expectedKopecks);
        if (who is not null)
        {
            Expect(ok, $"{who}: revenue {revenue.ToString(Invariant)}, the history says {SyntheticClinic.Rubles(expectedKopecks).ToString(Invariant)}");
        }

        return ok;
    }

    private (string Name, string Note) EnvironmentName() => infrastructure.ServiceEnvironment == "Testing"
        ? ("Testing", "environment Testing: the local servers use the development passwords, which Production refuses")
        : ("Production", "environment Production");

    /// <summary>The service's whole configuration, as a deployment would give it: one clinic with its key.</summary>
    private Dictionary<string, string> ServiceEnvironment(string apiKey, string staffHash, string environment)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ConnectionStrings__Database"] = infrastructure.DatabaseConnectionString,
            ["RabbitMq__Host"] = infrastructure.RabbitHost,
            ["RabbitMq__Port"] = infrastructure.RabbitPort.ToString(Invariant),
            ["RabbitMq__Username"] = infrastructure.RabbitUser,
            ["RabbitMq__Password"] = infrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = InfrastructureSettings.VirtualHost,
            ["Mis__Clinics__0__ClinicId"] = Clinic,
            ["Mis__Clinics__0__ApiKey"] = apiKey,
            // The watcher scores every clinic as of today every 5 minutes when its history changed: its own cost,
            // kept out of the phases measured here (--set Audience__Watch__Interval=00:05:00 puts it back).
            ["Audience__Watch__Interval"] = "1.00:00:00",
            // The campaign phase's marketer and approver (a password of this run only).
            ["Staff__Accounts__0__Name"] = CampaignPhase.Marketer,
            ["Staff__Accounts__0__PasswordHash"] = staffHash,
            ["Staff__Accounts__0__Roles__0"] = "marketer",
            ["Staff__Accounts__1__Name"] = CampaignPhase.Approver,
            ["Staff__Accounts__1__PasswordHash"] = staffHash,
            ["Staff__Accounts__1__Roles__0"] = "approver",
        };
        foreach (var (key, value) in settings.ServiceSettings)
        {
            values[key] = value;
        }

        return values;
    }

    private void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            _problems.Add(problem);
        }
    }

    private async Task<string> DescribeMachineAsync(AudienceDatabase database, CancellationToken cancellationToken) =>
        $"{Environment.ProcessorCount} cores, {MemoryGiB()} GiB; PostgreSQL {await database.ServerVersionAsync(cancellationToken)}; " +
        $"RabbitMQ {await infrastructure.RabbitVersionAsync(cancellationToken)}; .NET {Environment.Version}";

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var bytes = line is null
            ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Invariant) * 1024;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", Invariant);
    }

    private static string N(double value) => BenchmarkResult.N(value);

    private static string Sec(TimeSpan? span) => BenchmarkResult.Sec(span);

    private static string Ms(double? seconds) => seconds is { } v ? (v * 1000).ToString("0.0", Invariant) + " ms" : "–";

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
