using System.Globalization;
using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

/// <summary>
/// The CDNOW 1/10 sample (2,357 customers who first bought in Q1 1997, purchases to June 1998), the public benchmark of
/// BG/NBD and Gamma-Gamma, read from <c>&lt;repo&gt;/../shared/data/cdnow/cdnowElog.csv</c>. Same-day purchases of one
/// customer are one transaction with the day's sales summed, as in the literature.
/// </summary>
internal sealed class CdnowData
{
    /// <summary>The last day of the 39-week calibration period (inclusive).</summary>
    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    /// <summary>The last day of the 39-week holdout period that follows it.</summary>
    public static readonly DateOnly HoldoutEnd = new(1998, 6, 30);

    private static readonly Lazy<CdnowData?> Loaded = new(Load);

    private CdnowData(IReadOnlyList<Customer> customers) => Customers = customers;

    /// <summary>A customer's transactions, one per day, in date order.</summary>
    public sealed record Customer(int Id, IReadOnlyList<Transaction> Transactions)
    {
        public DateOnly First => Transactions[0].Day;
    }

    public readonly record struct Transaction(DateOnly Day, double Sales);

    public IReadOnlyList<Customer> Customers { get; }

    /// <summary>The path the file is expected at.</summary>
    public static string FilePath { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "data", "cdnow", "cdnowElog.csv"));

    /// <summary>The data set, or null when the file is not there (the test then says so and is skipped).</summary>
    public static CdnowData? Instance => Loaded.Value;

    /// <summary>Each customer's calibration history in days: x repeat days up to 1997-09-30, tₓ, T to that day.</summary>
    public CustomerHistory[] CalibrationHistories() =>
        Customers.Select(c => CustomerHistory.FromVisitDays(c.Transactions.Select(t => t.Day), CalibrationEnd)).ToArray();

    /// <summary>Transactions of each customer in the holdout period, 1997-10-01 .. 1998-06-30.</summary>
    public int[] HoldoutTransactions() =>
        Customers.Select(c => c.Transactions.Count(t => t.Day > CalibrationEnd && t.Day <= HoldoutEnd)).ToArray();

    private static CdnowData? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var byCustomer = new Dictionary<int, SortedDictionary<DateOnly, double>>();
        using var reader = new StreamReader(FilePath);
        var header = reader.ReadLine();
        if (header != "masterid,sampleid,date,cds,sales")
        {
            throw new InvalidDataException("Unexpected CDNOW header.");
        }

        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            var id = int.Parse(fields[1], CultureInfo.InvariantCulture);
            var day = DateOnly.ParseExact(fields[2], "yyyyMMdd", CultureInfo.InvariantCulture);
            var sales = double.Parse(fields[4], CultureInfo.InvariantCulture);
            if (!byCustomer.TryGetValue(id, out var days))
            {
                byCustomer[id] = days = [];
            }

            days[day] = days.GetValueOrDefault(day) + sales;
        }

        return new CdnowData(byCustomer
            .OrderBy(c => c.Key)
            .Select(c => new Customer(c.Key, c.Value.Select(d => new Transaction(d.Key, d.Value)).ToList()))
            .ToList());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Comms.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Comms.sln not found above the test's directory.");
    }
}
