using Comms.ServiceDefaults.Access;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>Scheduling's clinic keys: its own validated <c>Mis:Clinics</c> (the key a clinic posts its events with).</summary>
internal sealed class MisClinicKeys(IOptionsMonitor<MisOptions> options) : IClinicKeys
{
    public string Source => $"{MisOptions.Section}:Clinics";

    public IEnumerable<(string ClinicId, string Key)> Current => options.CurrentValue.Clinics.Select(c => (c.ClinicId, c.ApiKey));
}
