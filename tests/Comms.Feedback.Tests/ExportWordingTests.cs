using Comms.Feedback.Features.Dashboard;
using Comms.Feedback.Features.Requests;

namespace Comms.Feedback.Tests;

/// <summary>What the managers read for codes and stored reasons: pure logic, no servers.</summary>
public sealed class ExportWordingTests
{
    [Fact]
    public void Every_skip_reason_feedback_stores_reads_in_russian()
    {
        Assert.Equal("МИС не прислала запись на этот визит: неизвестны пациент и его контакты", SkipReasons.Russian(SkipReasons.NoBooking));
        Assert.Equal("у пациента нет ни телефона, ни электронной почты", SkipReasons.Russian(SkipReasons.NoContact));
        Assert.Equal("визит больше не завершён (сейчас: отменён)", SkipReasons.Russian(SkipReasons.NotCompleted("cancelled")));
        Assert.Equal(
            "пациента уже спрашивали о визите A-7 за последние 21 день (Feedback:RepeatWithinDays)",
            SkipReasons.Russian(SkipReasons.AskedRecently("A-7", 21)));
        Assert.Contains("за последние 2 дня ", SkipReasons.Russian(SkipReasons.AskedRecently("A-7", 2)), StringComparison.Ordinal);
        Assert.Contains("за последние 11 дней ", SkipReasons.Russian(SkipReasons.AskedRecently("A-7", 11)), StringComparison.Ordinal);
        Assert.Equal("something else", SkipReasons.Russian("something else"));
        Assert.Null(SkipReasons.Russian(null));
    }

    [Fact]
    public void A_doctor_is_listed_once_under_the_latest_name_and_namesakes_are_told_apart()
    {
        var now = DateTimeOffset.UtcNow;

        var choices = FilterChoices.Of(
        [
            new("D-1", "Петров П. П.", "терапевт", now.AddDays(-5)),
            new("D-1", "Петров Павел Петрович", "терапевт", now),
            new("D-2", "Петров Павел Петрович", null, now),
            new("D-3", "Сидорова Анна", "хирург", now),
            new("D-4", null, null, now),
        ]);

        Assert.Equal(
            [
                ("D-4", "D-4"),
                ("D-2", "Петров Павел Петрович (D-2)"),
                ("D-1", "Петров Павел Петрович (терапевт, D-1)"),
                ("D-3", "Сидорова Анна"),
            ],
            choices);
    }
}
