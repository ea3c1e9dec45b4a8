using System.Text.Json;

namespace Comms.Consent.Tests;

/// <summary>patient.consent_changed CloudEvents as a clinic's MIS writes them (docs/mis-integration.md, 3.5).</summary>
internal static class MisEvents
{
    public const string Exchange = "mis.events";
    public const string RoutingKey = "patient.consent_changed";

    public static string ConsentChanged(
        string id,
        string? phone = null,
        string? email = null,
        string channel = "sms",
        string purpose = "service",
        bool granted = true,
        string capturedAt = "2026-11-23T08:55:00+03:00") =>
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
                ["patientId"] = "P-77",
                ["clinicId"] = "msk-1",
                [phone is not null ? "phone" : "email"] = phone ?? email,
                ["channel"] = channel,
                ["purpose"] = purpose,
                ["granted"] = granted,
                ["method"] = "paper_form",
                ["documentRef"] = "Согласие на SMS-информирование, ред. 2025-09, бланк № 004512",
                ["capturedAt"] = capturedAt,
                ["capturedBy"] = "mis-user:reception-2",
            },
        });
}
