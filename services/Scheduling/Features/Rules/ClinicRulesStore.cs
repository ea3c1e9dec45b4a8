using System.Text.Json;
using System.Text.Json.Serialization;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Rules;

/// <summary>A clinic's rules as they apply now: its stored document, or the service's defaults.</summary>
public sealed class ClinicRulesStore(SchedulingDbContext db, IOptionsMonitor<ReminderOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly Dictionary<string, ClinicRules> _seen = new(StringComparer.Ordinal);

    public async Task<ClinicRules> GetAsync(string clinicId, CancellationToken cancellationToken)
    {
        if (_seen.TryGetValue(clinicId, out var known))
        {
            return known;
        }

        var stored = await db.ClinicRules.FindAsync([clinicId], cancellationToken);
        var rules = stored is null ? options.CurrentValue.Defaults : Read(stored.Document);
        _seen[clinicId] = rules;
        return rules;
    }

    public static ClinicRules Read(string document) =>
        JsonSerializer.Deserialize<ClinicRules>(document, Json) ?? throw new InvalidDataException("A stored rules document is null.");

    public static string Write(ClinicRules rules) => JsonSerializer.Serialize(rules, Json);
}
