using System.Globalization;
using System.Text;

namespace Comms.Benchmarks.Audience;

public enum VisitStatus : byte
{
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>How a synthetic patient comes: every 30–120 days, now and then, or once.</summary>
public enum PatientKind : byte
{
    Regular,
    Occasional,
    OneTime,
}

/// <summary>One row of the history. Amounts in kopecks; <see cref="Day"/> is a <see cref="DateOnly.DayNumber"/>.</summary>
public readonly record struct VisitRow(int Patient, int Day, VisitStatus Status, long AmountKopecks, long DiscountKopecks, short Service, short Doctor);

/// <summary>
/// A clinic's three-year history, made deterministically from a seed: a mix of regular patients (a usual interval of
/// 30–120 days, some of whom stop coming), occasional ones (2–6 visits at random) and one-time ones, in proportions
/// scaled so that the rows number exactly as asked. Each patient has a usual service and doctor; a small share
/// cancel or miss often, or get large discounts. Holds what the service must read back: per patient the revenue and
/// the days of completed visits.
/// </summary>
public sealed class SyntheticClinic
{
    public const string CsvHeader = "patientId,date,amount,status,discount,serviceCode,doctorId";

    private const int HistoryDays = 3 * 365;

    /// <summary>Service codes and list prices (roubles): consultations, diagnostics, dentistry, procedures.</summary>
    public static readonly (string Code, int Price)[] Services =
    [
        ("CONS-GP", 1_800), ("CONS-CARD", 2_600), ("CONS-NEUR", 2_500), ("CONS-GYN", 2_400), ("CONS-ENT", 2_200),
        ("CONS-DERM", 2_300), ("CONS-OPHT", 2_100), ("CONS-PED", 1_900), ("US-ABD", 3_200), ("US-THYR", 2_400),
        ("ECG", 1_200), ("ECHO", 4_500), ("MRI-SPINE", 7_800), ("LAB-CBC", 650), ("LAB-BIO", 2_900),
        ("DENT-HYG", 6_500), ("DENT-FILL", 7_200), ("DENT-ENDO", 14_500), ("DENT-IMPL", 48_000), ("MASSAGE", 2_800),
        ("PHYSIO", 1_600), ("VACC", 2_200), ("CHECKUP", 12_500), ("COSM-INJ", 16_000),
    ];

    private SyntheticClinic(DateOnly firstDay, DateOnly lastDay, PatientKind[] kinds, VisitRow[] rows, short[] usualService)
    {
        FirstDay = firstDay;
        LastDay = lastDay;
        Kinds = kinds;
        Rows = rows;
        UsualService = usualService;
        Revenue = new long[kinds.Length];
        var completedDays = new HashSet<int>[kinds.Length];
        foreach (var row in rows.Where(r => r.Status == VisitStatus.Completed))
        {
            Revenue[row.Patient] += row.AmountKopecks;
            (completedDays[row.Patient] ??= []).Add(row.Day);
        }

        RepeatPatients = completedDays.Count(d => d is { Count: >= 2 });
        CompletedRows = rows.Count(r => r.Status == VisitStatus.Completed);
        Cancelled = rows.Count(r => r.Status == VisitStatus.Cancelled);
        NoShows = rows.Count(r => r.Status == VisitStatus.NoShow);
    }

    public DateOnly FirstDay { get; }

    public DateOnly LastDay { get; }

    public int Patients => Kinds.Length;

    public PatientKind[] Kinds { get; }

    public VisitRow[] Rows { get; }

    /// <summary>Each patient's usual service (an index into <see cref="Services"/>).</summary>
    public short[] UsualService { get; }

    /// <summary>Each patient's revenue in kopecks: the sum of their completed rows.</summary>
    public long[] Revenue { get; }

    /// <summary>Patients with completed visits on two days or more: the "repeat" customers BG/NBD is fitted on.</summary>
    public int RepeatPatients { get; }

    public int CompletedRows { get; }

    public int Cancelled { get; }

    public int NoShows { get; }

    public static string PatientId(int patient) => "P-" + (patient + 1).ToString("D7", CultureInfo.InvariantCulture);

    public static string DoctorId(int doctor) => "D-" + (doctor + 1).ToString("D3", CultureInfo.InvariantCulture);

    public static SyntheticClinic Generate(int patients, int visits, DateOnly lastDay, int seed)
    {
        var random = new Random(seed);
        var last = lastDay.DayNumber;
        var first = last - HistoryDays;
        var kinds = new PatientKind[patients];
        var counts = new int[patients];
        var start = new int[patients];
        var end = new int[patients];
        for (var p = 0; p < patients; p++)
        {
            var draw = random.NextDouble();
            kinds[p] = draw < 0.22 ? PatientKind.Regular : draw < 0.65 ? PatientKind.Occasional : PatientKind.OneTime;
            switch (kinds[p])
            {
                case PatientKind.Regular:
                    var interval = random.Next(30, 121);
                    start[p] = random.Next(0, HistoryDays - interval);
                    // Two in three stay to the end of the history; the others stop somewhere on the way.
                    end[p] = random.NextDouble() < 0.65 ? HistoryDays : random.Next(start[p] + interval, HistoryDays + 1);
                    counts[p] = (end[p] - start[p]) / interval + 1;
                    break;
                case PatientKind.Occasional:
                    start[p] = random.Next(0, HistoryDays - 60);
                    end[p] = Math.Min(HistoryDays, start[p] + random.Next(60, HistoryDays + 1));
                    counts[p] = random.Next(2, 7);
                    break;
                default:
                    start[p] = end[p] = random.Next(0, HistoryDays + 1);
                    counts[p] = 1;
                    break;
            }
        }

        FitTotal(counts, kinds, visits, random);

        var rows = new VisitRow[visits];
        var usualService = new short[patients];
        var next = 0;
        var day = new List<int>();
        for (var p = 0; p < patients; p++)
        {
            // Who the patient is to the clinic: their usual service and doctor, how often they miss, their discounts.
            var service = (short)random.Next(Services.Length);
            usualService[p] = service;
            var doctor = (short)random.Next(60);
            var missDraw = random.NextDouble();
            var missRate = missDraw < 0.04 ? 0.45 : missDraw < 0.10 ? 0.25 : 0.08;
            var discountHunter = random.NextDouble() < 0.02;

            day.Clear();
            var n = counts[p];
            if (n == 1)
            {
                day.Add(start[p]);
            }
            else if (kinds[p] == PatientKind.Regular)
            {
                var interval = Math.Max((double)(end[p] - start[p]) / (n - 1), 1);
                var jitter = Math.Min(7, interval * 0.15);
                for (var k = 0; k < n; k++)
                {
                    day.Add(Math.Clamp((int)Math.Round(start[p] + k * interval + (random.NextDouble() * 2 - 1) * jitter), 0, HistoryDays));
                }
            }
            else
            {
                for (var k = 0; k < n; k++)
                {
                    day.Add(random.Next(start[p], end[p] + 1));
                }
            }

            day.Sort();
            foreach (var d in day)
            {
                var status = n == 1
                    ? (random.NextDouble() < 0.92 ? VisitStatus.Completed : VisitStatus.Cancelled)
                    : random.NextDouble() is var m && m < missRate * 0.6 ? VisitStatus.Cancelled
                    : m < missRate ? VisitStatus.NoShow : VisitStatus.Completed;
                var rowService = random.NextDouble() < 0.7 ? service : (short)random.Next(Services.Length);
                var rowDoctor = random.NextDouble() < 0.8 ? doctor : (short)random.Next(60);
                long amount = 0, discount = 0;
                if (status == VisitStatus.Completed)
                {
                    // The list price ± 10 %, in tens of roubles; now and then with kopecks.
                    var price = (long)Math.Round(Services[rowService].Price * (0.9 + random.NextDouble() * 0.2) / 10) * 1_000;
                    price += random.NextDouble() < 0.05 ? 50 : 0;
                    discount = discountHunter ? price * 35 / 100
                        : random.NextDouble() < 0.12 ? price * random.Next(5, 21) / 100 : 0;
                    discount -= discount % 100;
                    amount = price - discount;
                }

                rows[next++] = new VisitRow(p, first + d, status, amount, discount, rowService, rowDoctor);
            }
        }

        return new SyntheticClinic(DateOnly.FromDayNumber(first), lastDay, kinds, rows, usualService);
    }

    /// <summary>
    /// Scales the repeat patients' visit counts so that all rows number exactly <paramref name="total"/>: first in
    /// proportion, then one at a time at random (a regular or occasional patient keeps at least two, a patient one).
    /// </summary>
    private static void FitTotal(int[] counts, PatientKind[] kinds, int total, Random random)
    {
        var repeat = Enumerable.Range(0, counts.Length).Where(p => kinds[p] != PatientKind.OneTime).ToArray();
        var fixedRows = counts.Length - repeat.Length;
        var repeatRows = repeat.Sum(p => (long)counts[p]);
        if (repeat.Length > 0 && repeatRows > 0)
        {
            var factor = (double)(total - fixedRows) / repeatRows;
            foreach (var p in repeat)
            {
                counts[p] = Math.Max(2, (int)Math.Round(counts[p] * factor));
            }
        }

        var difference = total - counts.Sum(c => (long)c);
        var pool = repeat.Length > 0 && total - fixedRows >= 2L * repeat.Length ? repeat : Enumerable.Range(0, counts.Length).ToArray();
        var floor = pool == repeat ? 2 : 1;
        while (difference != 0)
        {
            var p = pool[random.Next(pool.Length)];
            if (difference > 0)
            {
                counts[p]++;
                difference--;
            }
            else if (counts[p] > floor)
            {
                counts[p]--;
                difference++;
            }
        }
    }

    /// <summary>Writes the history as the import takes it (comma-separated, a point for decimals, UTF-8, no BOM).</summary>
    public async Task WriteCsvAsync(string path, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        await writer.WriteLineAsync(CsvHeader);
        var line = new StringBuilder(96);
        foreach (var row in Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            line.Clear();
            line.Append(PatientId(row.Patient)).Append(',')
                .Append(DateOnly.FromDayNumber(row.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',');
            if (row.Status == VisitStatus.Completed)
            {
                line.Append(Money(row.AmountKopecks));
            }

            line.Append(',').Append(StatusName(row.Status)).Append(',');
            if (row.DiscountKopecks > 0)
            {
                line.Append(Money(row.DiscountKopecks));
            }

            line.Append(',').Append(Services[row.Service].Code).Append(',').Append(DoctorId(row.Doctor));
            await writer.WriteLineAsync(line);
        }
    }

    public static string StatusName(VisitStatus status) => status switch
    {
        VisitStatus.Completed => "completed",
        VisitStatus.Cancelled => "cancelled",
        _ => "no_show",
    };

    public static decimal Rubles(long kopecks) => kopecks / 100m;

    private static string Money(long kopecks) => Rubles(kopecks).ToString("0.00", CultureInfo.InvariantCulture);
}
