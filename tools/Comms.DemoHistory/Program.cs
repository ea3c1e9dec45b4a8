using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Comms.Benchmarks.Audience;
using Comms.DemoHistory;

// Loads a demo chain's three-year history into a running Audience service through its import API, so that the
// analytics page and the API have something to show on first look. ./tools/up runs it; it can be run on its own.
var url = new Option<Uri>("--url") { Description = "The Audience service.", DefaultValueFactory = _ => new Uri("http://localhost:5109/") };
var apiKey = new Option<string>("--api-key") { Description = "An operator key of the service (X-Api-Key).", DefaultValueFactory = _ => "dev-operator-key-scheduling" };
var patients = new Option<int>("--patients") { Description = "Patients of the chain, shared among its three clinics.", DefaultValueFactory = _ => 20_000 };
var visitsPerPatient = new Option<double>("--visits-per-patient") { Description = "Rows of history per patient, on average.", DefaultValueFactory = _ => 5.0 };
var seed = new Option<int>("--seed") { Description = "Seed of the history: the same seed and day give the same files.", DefaultValueFactory = _ => 20261207 };
var force = new Option<bool>("--force") { Description = "Load a clinic even when it already has a history (the same day's files change nothing)." };

var root = new RootCommand(
    "Loads a demo chain (msk-1, msk-2, spb-1) with a generated three-year history ending yesterday into Audience: its patients, then their visits. " +
    "A clinic that already has a history of 100 patients or more is left alone unless --force.")
{
    url, apiKey, patients, visitsPerPatient, seed, force,
};

root.SetAction(async (result, cancellationToken) =>
{
    var total = result.GetValue(patients);
    var perPatient = result.GetValue(visitsPerPatient);
    if (total is < 100 or > 1_000_000 || perPatient is < 1 or > 50)
    {
        await Console.Error.WriteLineAsync("--patients must be from 100 to 1,000,000 and --visits-per-patient from 1 to 50");
        return 2;
    }

    using var http = new HttpClient { BaseAddress = result.GetValue(url), Timeout = TimeSpan.FromMinutes(10) };
    http.DefaultRequestHeaders.Add("X-Api-Key", result.GetValue(apiKey));
    var lastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
    var directory = Directory.CreateTempSubdirectory("comms-demo-history-");
    try
    {
        foreach (var (clinic, index) in DemoClinic.Chain.Select((c, i) => (c, i)))
        {
            var count = Math.Max(100, (int)Math.Round(total * clinic.Share));
            if (!result.GetValue(force) && await PatientsAsync(http, clinic.ClinicId, cancellationToken) is >= 100 and var known)
            {
                Console.WriteLine($"demo: {clinic.ClinicId} already has a history of {known:N0} patients; left alone (--force loads it anyway)");
                continue;
            }

            var clinicSeed = result.GetValue(seed) + index;
            var history = SyntheticClinic.Generate(count, (int)Math.Round(count * perPatient), lastDay, clinicSeed);
            var patientsCsv = Path.Combine(directory.FullName, $"{clinic.ClinicId}-patients.csv");
            var visitsCsv = Path.Combine(directory.FullName, $"{clinic.ClinicId}-visits.csv");
            await DemoPatients.WriteCsvAsync(patientsCsv, history, clinic, clinicSeed, cancellationToken);
            await history.WriteCsvAsync(visitsCsv, cancellationToken);
            var who = await ImportAsync(http, "patients", clinic.ClinicId, patientsCsv, cancellationToken);
            var what = await ImportAsync(http, "visits", clinic.ClinicId, visitsCsv, cancellationToken);
            if (who is null || what is null)
            {
                return 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"demo: {clinic.ClinicId}: {who.Value.Applied:N0} patients and {what.Value.Applied:N0} visits from {history.FirstDay:yyyy-MM-dd} to {lastDay:yyyy-MM-dd} ({what.Value.Rejected + who.Value.Rejected} rejected)"));
        }

        return 0;
    }
    catch (HttpRequestException e)
    {
        await Console.Error.WriteLineAsync($"demo: ERROR: Audience at {http.BaseAddress} did not answer ({e.Message}); is it running (tools/up)?");
        return 1;
    }
    finally
    {
        directory.Delete(recursive: true);
    }
});

return await root.Parse(args).InvokeAsync();

static async Task<int> PatientsAsync(HttpClient http, string clinicId, CancellationToken cancellationToken)
{
    // The clinic's own patients (a chain's model counts the whole chain's).
    using var response = await http.GetAsync($"api/v1/audience/clinics/{clinicId}/patients?pageSize=1", cancellationToken);
    if (!response.IsSuccessStatusCode)
    {
        return 0;
    }

    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    return body.RootElement.TryGetProperty("total", out var value) ? value.GetInt32() : 0;
}

static async Task<(int Applied, int Rejected)?> ImportAsync(HttpClient http, string kind, string clinicId, string path, CancellationToken cancellationToken)
{
    await using var file = File.OpenRead(path);
    using var content = new StreamContent(file, 1 << 16);
    content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
    using var response = await http.PostAsync($"api/v1/audience/imports/{kind}?clinicId={clinicId}", content, cancellationToken);
    var text = await response.Content.ReadAsStringAsync(cancellationToken);
    if (!response.IsSuccessStatusCode)
    {
        await Console.Error.WriteLineAsync($"demo: ERROR: the {kind} import of {clinicId} answered {(int)response.StatusCode}: {(text.Length > 500 ? text[..500] : text)}");
        return null;
    }

    using var report = JsonDocument.Parse(text);
    return (report.RootElement.GetProperty("applied").GetInt32(), report.RootElement.GetProperty("rejected").GetInt32());
}
