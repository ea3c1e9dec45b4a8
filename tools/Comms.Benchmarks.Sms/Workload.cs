using System.Globalization;

namespace Comms.Benchmarks.Sms;

/// <summary>Why a recipient has no usable consent: nothing on record, or a consent that was revoked.</summary>
public enum ConsentKind
{
    Granted,
    None,
    Revoked,
}

/// <summary>One SendSms of the run, as Templating would hand it to the gateway.</summary>
public sealed record PlannedSms(
    int Index, Guid MessageId, string Phone, ConsentKind Consent, string Text, string TemplateKey, string? ExpectedReply)
{
    public bool Consented => Consent == ConsentKind.Granted;
}

/// <summary>
/// The run's messages: one distinct phone each (so the simulator's inbox shows exactly one SMS per number), realistic
/// Russian reminder texts of one or two segments, and an evenly spread share of recipients without consent (every
/// second one with nothing on record, the others revoked), interleaved with the rest so the gate is met throughout.
/// </summary>
public sealed class Workload
{
    public const string ClinicId = "bench-clinic";

    /// <summary>+7 916 …: a valid Russian mobile range, clear of the simulator's virtual number (+7 900 000 00 00).</summary>
    private const long FirstPhone = 79_160_000_000;

    private static readonly string[] Doctors =
        ["терапевту", "кардиологу", "стоматологу", "офтальмологу", "неврологу", "эндокринологу", "гастроэнтерологу"];

    private readonly Dictionary<string, PlannedSms> _byPhone;

    private Workload(IReadOnlyList<PlannedSms> messages)
    {
        Messages = messages;
        _byPhone = messages.ToDictionary(m => m.Phone, StringComparer.Ordinal);
    }

    public IReadOnlyList<PlannedSms> Messages { get; }

    public int Count => Messages.Count;

    public int Consented => Messages.Count(m => m.Consented);

    public int Unconsented => Count - Consented;

    public static Workload Create(int count, double unconsentedPercent)
    {
        var share = unconsentedPercent / 100;
        var messages = new List<PlannedSms>(count);
        var unconsented = 0;
        var tomorrow = DateTime.Today.AddDays(1);
        for (var i = 0; i < count; i++)
        {
            // Bresenham-style spread: message i is without consent when the running share crosses a whole number.
            var withoutConsent = Math.Floor((i + 1) * share) > Math.Floor(i * share);
            var consent = !withoutConsent ? ConsentKind.Granted : unconsented++ % 2 == 0 ? ConsentKind.None : ConsentKind.Revoked;
            // Clinic hours: 40 slots of 15 minutes from 09:00, over the next 30 days.
            var appointment = tomorrow.AddDays(i / 40 % 30).AddHours(9).AddMinutes(15 * (i % 40));
            var doctor = Doctors[i % Doctors.Length];
            var date = appointment.ToString("dd.MM", CultureInfo.InvariantCulture);
            var time = appointment.ToString("HH:mm", CultureInfo.InvariantCulture);
            var phone = "+" + (FirstPhone + i).ToString(CultureInfo.InvariantCulture);
            // Two in three are one-segment reminders (≤ 70 UCS-2 characters), one in three a two-segment confirmation request.
            messages.Add(i % 3 == 2
                ? new PlannedSms(i, Guid.CreateVersion7(), phone, consent,
                    $"Здравствуйте! Вы записаны к {doctor} на {date} в {time}, ул. Ленина, 5, каб. {200 + i % 50}. Ответьте 1 — подтвердить, 2 — отменить.",
                    "confirmation-request", "confirmation")
                : new PlannedSms(i, Guid.CreateVersion7(), phone, consent,
                    $"Вы записаны к {doctor} {date} в {time}. Клиника «Здоровье»",
                    "reminder-24h", null));
        }

        return new Workload(messages);
    }

    public PlannedSms? ByPhone(string phone) => _byPhone.GetValueOrDefault(phone);
}
