using Comms.Testing;

namespace Comms.Feedback.Tests;

/// <summary>Feedback in-process on its own database and virtual host. Clinic <c>msk-1</c> has managers and review sites.</summary>
public sealed class FeedbackApp() : ServiceApp<Program>("fb")
{
    public const string ClinicId = "msk-1";
    public const string ClinicKey = "clinic-msk-1-key-0001";
    public const string OperatorKey = "test-operator-key-0001";
    public const string NightClinicId = "night-1";
    public const string PublicBaseUrl = "https://feedback.clinic.test";

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Feedback:PublicBaseUrl"] = PublicBaseUrl;
        settings["Feedback:Defaults:SendWindow:Start"] = "00:00";
        settings["Feedback:Defaults:SendWindow:End"] = "00:00";
        settings[$"Feedback:Clinics:{ClinicId}:ManagerEmails:0"] = "manager@clinic.test";
        settings[$"Feedback:Clinics:{ClinicId}:ManagerEmails:1"] = "Chief@Clinic.test";
        settings[$"Feedback:Clinics:{ClinicId}:ReviewLinks:0:Name"] = "Яндекс Карты";
        settings[$"Feedback:Clinics:{ClinicId}:ReviewLinks:0:Url"] = "https://yandex.ru/maps/org/1234567890/reviews";
        settings[$"Feedback:Clinics:{ClinicId}:ReviewLinks:1:Name"] = "2ГИС";
        settings[$"Feedback:Clinics:{ClinicId}:ReviewLinks:1:Url"] = "https://2gis.ru/moscow/firm/70000001/tab/reviews";
        settings["Mis:Clinics:0:ClinicId"] = ClinicId;
        settings["Mis:Clinics:0:ApiKey"] = ClinicKey;
        settings[$"Feedback:Clinics:{NightClinicId}:SendWindow:Start"] = "03:00";
        settings[$"Feedback:Clinics:{NightClinicId}:SendWindow:End"] = "03:30";
        settings[$"Feedback:Clinics:{NightClinicId}:Channels:0"] = "whatsapp";
        settings[$"Feedback:Clinics:{NightClinicId}:Channels:1"] = "sms";
        settings["Operators:ApiKeys:0:Name"] = "chain-it";
        settings["Operators:ApiKeys:0:Key"] = OperatorKey;
        // The tests drive the dispatcher themselves; the background one only idles.
        settings["Feedback:DispatchInterval"] = "01:00:00";
        return ValueTask.CompletedTask;
    }
}
