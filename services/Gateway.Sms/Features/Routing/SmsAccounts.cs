using System.Collections.Frozen;
using Comms.Gateway.Sms.Providers;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>The configured provider accounts, each with its own HttpClient pipeline, and each clinic's route.</summary>
public sealed class SmsAccounts
{
    private readonly FrozenDictionary<string, ISmsProviderFactory> _factories;
    private readonly IHttpClientFactory _http;
    private readonly SmsOptions _options;

    public SmsAccounts(IOptions<SmsOptions> options, IEnumerable<ISmsProviderFactory> factories, IHttpClientFactory http)
    {
        _options = options.Value;
        _factories = factories.ToFrozenDictionary(f => f.ProviderType, StringComparer.Ordinal);
        _http = http;
    }

    public static string HttpClientName(string account) => $"sms-account:{account}";

    public IReadOnlyCollection<string> Names => _options.Accounts.Keys;

    public bool Exists(string account) => _options.Accounts.ContainsKey(account);

    public SmsAccountOptions Settings(string account) => _options.Accounts[account];

    public ISmsProvider Provider(string account)
    {
        var settings = _options.Accounts[account];
        return _factories[settings.Provider].Create(account, settings, _http.CreateClient(HttpClientName(account)));
    }

    public SmsRouteOptions RouteFor(string clinicId) =>
        _options.Routing.Clinics.TryGetValue(clinicId, out var route) && route.Accounts.Count > 0 ? route : _options.Routing.Default;
}

/// <summary>Refuses to start with accounts or routes that could not send, naming the setting.</summary>
public sealed class SmsOptionsValidator(IEnumerable<ISmsProviderFactory> factories) : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions options)
    {
        var types = factories.ToDictionary(f => f.ProviderType, StringComparer.Ordinal);
        var failures = new List<string>();
        if (options.Accounts.Count == 0)
        {
            failures.Add("Sms:Accounts is empty: configure at least one provider account (Sms:Accounts:<name>:Provider = smsru, smsc or smsaero).");
        }

        foreach (var (account, settings) in options.Accounts)
        {
            var context = new System.ComponentModel.DataAnnotations.ValidationContext(settings);
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(settings, context, results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"Sms:Accounts:{account}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
            }

            if (!types.TryGetValue(settings.Provider, out var factory))
            {
                failures.Add($"Sms:Accounts:{account}:Provider '{settings.Provider}' is not one of {string.Join(", ", types.Keys)}.");
                continue;
            }

            failures.AddRange(factory.Validate(account, settings));
            if (settings.Timeout >= options.Resolution.InFlightGrace)
            {
                // The resolver would take a call still under way for one whose gateway died, and settle it mid-call.
                failures.Add($"Sms:Resolution:InFlightGrace ({options.Resolution.InFlightGrace}) must be longer than " +
                             $"Sms:Accounts:{account}:Timeout ({settings.Timeout}): an attempt is open that long while its call is under way.");
            }
        }

        CheckRoute("Sms:Routing:Default", options.Routing.Default, options, failures, required: true);
        foreach (var (clinic, route) in options.Routing.Clinics)
        {
            CheckRoute($"Sms:Routing:Clinics:{clinic}", route, options, failures, required: false);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRoute(string path, SmsRouteOptions route, SmsOptions options, List<string> failures, bool required)
    {
        if (required && route.Accounts.Count == 0)
        {
            failures.Add($"{path}:Accounts is empty: list the accounts to send through, preferred first.");
        }

        foreach (var account in route.Accounts.Where(a => !options.Accounts.ContainsKey(a)))
        {
            failures.Add($"{path}:Accounts names '{account}', which is not in Sms:Accounts.");
        }

        if (route.Sender is { Length: > 11 })
        {
            failures.Add($"{path}:Sender is longer than 11 characters.");
        }
    }
}
