using Comms.ServiceDefaults.Access;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Requests;

/// <summary>Feedback's clinic keys: <c>Feedback:Clinics:&lt;clinicId&gt;:ApiKey</c>, for the clinic's own results.</summary>
internal sealed class FeedbackClinicKeys(IOptionsMonitor<FeedbackOptions> options) : IClinicKeys
{
    public string Source => $"{FeedbackOptions.Section}:Clinics:<clinicId>:ApiKey";

    public IEnumerable<(string ClinicId, string Key)> Current =>
        options.CurrentValue.Clinics.Where(c => !string.IsNullOrEmpty(c.Value.ApiKey)).Select(c => (c.Key, c.Value.ApiKey!));
}
