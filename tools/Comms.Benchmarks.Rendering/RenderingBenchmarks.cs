using Comms.ServiceDefaults.Sms;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;

namespace Comms.Benchmarks.Rendering;

/// <summary>
/// One reminder as Templating renders it for a ComposeMessage: the seeded appointment.reminder, parsed and checked
/// once (as the renderer caches a published version), with a model shaped like Scheduling's MessageModel.
/// Op/s of a single-threaded benchmark is renders per second per core.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RenderingBenchmarks
{
    private static readonly Dictionary<string, string?> Model = new()
    {
        ["patient.firstName"] = "Анна",
        ["patient.middleName"] = "Сергеевна",
        ["patient.lastName"] = "Иванова",
        ["appointment.id"] = "A-1001",
        ["appointment.date"] = "24.11.2026",
        ["appointment.time"] = "10:30",
        ["appointment.weekday"] = "вторник",
        ["appointment.startsAt"] = "2026-11-24T10:30:00+03:00",
        ["appointment.count"] = "1",
        ["clinic.id"] = "msk-1",
        ["clinic.name"] = "Клиника на Ленина",
        ["clinic.address"] = "ул. Ленина, 5",
        ["clinic.phone"] = null,
        ["doctor.name"] = "Петров П. П.",
        ["service.name"] = "Консультация",
    };

    private readonly TemplateRenderer _renderer = new();
    private readonly MessageTemplate _reminder = TemplateSeed.All.Single(t => t is { Key: TemplateSeed.ReminderKey, Channel: Comms.Contracts.Channels.Sms });

    [GlobalSetup]
    public void Warm()
    {
        var result = _renderer.Render(_reminder, Model);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }
    }

    [Benchmark(Description = "appointment.reminder")]
    public string? RenderReminder() => _renderer.Render(_reminder, Model).Text;

    [Benchmark(Description = "appointment.reminder + SMS parts")]
    public int RenderReminderAndCountParts() => SmsSegments.Count(_renderer.Render(_reminder, Model).Text!).Segments;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
