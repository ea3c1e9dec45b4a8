using System.Globalization;
using System.Text;
using Comms.Benchmarks.Audience;

namespace Comms.DemoHistory;

/// <summary>
/// Who the demo clinic's patients are: sex, birth date, city and district, how they came and who recommended them,
/// drawn from the same seed as their visits. Regular patients come by recommendation more often than the others, so
/// the portrait's referral comparison has something to show (the market's figure: referred patients are worth 30–40 %
/// more).
/// </summary>
public static class DemoPatients
{
    public static async Task WriteCsvAsync(string path, SyntheticClinic clinic, DemoClinic where, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed ^ 0x5EED);
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        await writer.WriteLineAsync("patientId,birthDate,sex,city,district,acquisitionSource,referredBy");
        var line = new StringBuilder(128);
        for (var p = 0; p < clinic.Patients; p++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Roughly a private clinic's age bands: children 8 %, 18–29 20 %, 30–44 34 %, 45–59 24 %, 60 and over 14 %.
            var band = random.NextDouble();
            var age = band < 0.08 ? random.Next(1, 18)
                : band < 0.28 ? random.Next(18, 30)
                : band < 0.62 ? random.Next(30, 45)
                : band < 0.86 ? random.Next(45, 60)
                : random.Next(60, 86);
            var birth = clinic.LastDay.AddYears(-age).AddDays(-random.Next(0, 365));
            var sex = random.NextDouble() < 0.62 ? "female" : "male";
            var (city, districts) = random.NextDouble() < 0.86 ? (where.City, where.Districts) : (where.NearbyCity, (string[])[]);
            var district = districts.Length == 0 ? "" : districts[random.Next(districts.Length)];
            var referralChance = clinic.Kinds[p] == PatientKind.Regular ? 0.34 : 0.14;
            var draw = random.NextDouble();
            var source = draw < referralChance ? "referral"
                : draw < referralChance + 0.33 ? "site"
                : draw < referralChance + 0.58 ? "aggregator"
                : draw < referralChance + 0.75 ? "advertising"
                : "";
            var referredBy = source == "referral" && p > 0 && random.NextDouble() < 0.7
                ? SyntheticClinic.PatientId(random.Next(p))
                : "";
            line.Clear();
            line.Append(SyntheticClinic.PatientId(p)).Append(',')
                .Append(birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(sex).Append(',')
                .Append(city).Append(',')
                .Append(district).Append(',')
                .Append(source).Append(',')
                .Append(referredBy);
            await writer.WriteLineAsync(line);
        }
    }
}

/// <summary>A clinic of the demo chain: its id, its share of the patients and where its patients live.</summary>
public sealed record DemoClinic(string ClinicId, double Share, string City, string[] Districts, string NearbyCity)
{
    public static readonly DemoClinic[] Chain =
    [
        new("msk-1", 0.5, "Москва", ["ЦАО", "САО", "СВАО", "ВАО", "ЮВАО", "ЮАО", "ЮЗАО", "ЗАО", "СЗАО"], "Химки"),
        new("msk-2", 0.3, "Москва", ["ЮАО", "ЮЗАО", "ЗАО", "Новомосковский"], "Одинцово"),
        new("spb-1", 0.2, "Санкт-Петербург", ["Центральный", "Адмиралтейский", "Василеостровский", "Петроградский", "Московский", "Приморский"], "Всеволожск"),
    ];
}
