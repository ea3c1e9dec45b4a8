using System.Text.Json;

namespace Comms.Consent.Tests;

/// <summary>patient.consent_changed CloudEvents as a clinic's MIS writes them (docs/mis-integration.md, 3.5).</summary>
internal static class MisEvents
{
    public const string Exchange = "mis.events";
    public const string RoutingKey = "patient.consent_changed";
    public const string PaperForm = "Согласие на SMS-информирование, ред. 2025-09, бланк № 004512";

    public static string ConsentChanged(
        string id,
        string? phone = null,
        string? email = null,
        string channel = "sms",
        string purpose = "service",
        bool granted = true,
        string capturedAt = "2026-11-23T08:55:00+03:00",
        string method = "paper_form",
        string? documentRef = PaperForm,
        string patientId = "P-77") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "mis/clinic-msk-1",
            ["type"] = RoutingKey,
            ["time"] = "2026-11-23T08:58:00Z",
            ["datacontenttype"] = "application/json",
            ["data"] = new Dictionary<string, object?>
            {
                ["patientId"] = patientId,
                ["clinicId"] = "msk-1",
                [phone is not null ? "phone" : "email"] = phone ?? email,
                ["channel"] = channel,
                ["purpose"] = purpose,
                ["granted"] = granted,
                ["method"] = method,
                ["documentRef"] = documentRef,
                ["capturedAt"] = capturedAt,
                ["capturedBy"] = "mis-user:reception-2",
            },
        });

    public static string NewEventId() => $"evt-{Guid.NewGuid():N}";
}
