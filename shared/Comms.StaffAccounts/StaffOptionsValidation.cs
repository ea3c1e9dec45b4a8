using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Comms.StaffAccounts;

/// <summary>The <c>Staff</c> settings checked at start; every message names the setting.</summary>
internal sealed class StaffOptionsValidation(StaffSite site, IConfiguration configuration) :
    IValidateOptions<StaffOptions>, IValidateOptions<StaffOidcOptions>, IValidateOptions<StaffLockoutOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffOptions options) => Result(Problems(options));

    public ValidateOptionsResult Validate(string? name, StaffOidcOptions options) => Result(Problems(options));

    public ValidateOptionsResult Validate(string? name, StaffLockoutOptions options) => Result(Problems(options));

    private IEnumerable<string> Problems(StaffOptions options)
    {
        foreach (var obsolete in site.ObsoleteSections.Where(s => configuration.GetSection(s).Exists()))
        {
            yield return $"{obsolete} is no longer read: staff sign-in is configured in section {StaffOptions.Section} " +
                $"({StaffOptions.Section}:Accounts:N:Name, :PasswordHash, :Roles, :Clinics; {StaffOidcOptions.Section}), " +
                $"with the hash of each password, never the password itself: {StaffPasswords.HowToMakeOne}";
        }

        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            var path = $"{StaffOptions.Section}:Accounts:{i}";
            if (string.IsNullOrWhiteSpace(account.Name) || account.Name.Trim().Length > StaffAccount.MaxNameLength)
            {
                yield return $"{path}:Name is required (1-{StaffAccount.MaxNameLength} characters)";
            }

            if (configuration.GetSection($"{path}:Password").Exists())
            {
                yield return $"{path}:Password must not be set: a password is never configured, its hash goes in {path}:PasswordHash; {StaffPasswords.HowToMakeOne}";
            }

            if (StaffPasswords.Problem(account.PasswordHash) is { } problem)
            {
                yield return $"{path}:PasswordHash {problem}";
            }

            if (account.Roles.Count == 0)
            {
                yield return $"{path}:Roles needs at least one of {string.Join(", ", StaffRoles.All)} (here: {string.Join(", ", site.Roles)})";
            }

            foreach (var role in account.Roles.Where(r => !StaffRoles.All.Contains(r)))
            {
                yield return $"{path}:Roles: '{role}' is not a staff role; the roles are {string.Join(", ", StaffRoles.All)}";
            }

            if (account.Clinics.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"{path}:Clinics must not contain an empty clinic id (leave the list empty, or give \"*\", for every clinic)";
            }
        }

        foreach (var duplicate in options.Accounts.Where(a => !string.IsNullOrWhiteSpace(a.Name))
                     .GroupBy(a => a.Name.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"{StaffOptions.Section}:Accounts: the name '{duplicate.Key}' is given to more than one account";
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (ClientAddress.Network(options.TrustedProxies[i]) is null)
            {
                yield return $"{StaffOptions.Section}:TrustedProxies:{i} must be an IP address or a network such as 10.0.0.0/8, not '{options.TrustedProxies[i]}'";
            }
        }
    }

    private static IEnumerable<string> Problems(StaffOidcOptions options)
    {
        if (!options.Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            yield return $"{StaffOidcOptions.Section}:Authority must be the provider's absolute https URL";
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            yield return $"{StaffOidcOptions.Section}:ClientId is required when Authority is set";
        }

        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            yield return $"{StaffOidcOptions.Section}:RoleClaim is required (the claim with the user's groups or roles)";
        }

        if (string.IsNullOrWhiteSpace(options.ClinicClaim))
        {
            yield return $"{StaffOidcOptions.Section}:ClinicClaim is required (the claim with the user's clinic ids)";
        }

        foreach (var (role, values) in options.Roles)
        {
            if (!StaffRoles.All.Contains(role))
            {
                yield return $"{StaffOidcOptions.Section}:Roles:{role}: '{role}' is not a staff role; the roles are {string.Join(", ", StaffRoles.All)}";
            }

            if (values.Count == 0 || values.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"{StaffOidcOptions.Section}:Roles:{role} needs one or more non-empty values of the {options.RoleClaim} claim";
            }
        }
    }

    private static IEnumerable<string> Problems(StaffLockoutOptions options)
    {
        const string at = StaffLockoutOptions.Section;
        if (options.FreeFailures < 0)
        {
            yield return $"{at}:FreeFailures must be 0 or more";
        }

        if (options.LockAfter <= options.FreeFailures || options.LockAfter < 1)
        {
            yield return $"{at}:LockAfter must be more than FreeFailures ({options.FreeFailures})";
        }

        if (options.AddressFreeFailures < 0)
        {
            yield return $"{at}:AddressFreeFailures must be 0 or more";
        }

        if (options.AddressLockAfter <= options.AddressFreeFailures || options.AddressLockAfter < 1)
        {
            yield return $"{at}:AddressLockAfter must be more than AddressFreeFailures ({options.AddressFreeFailures})";
        }

        if (options.FirstDelay <= TimeSpan.Zero)
        {
            yield return $"{at}:FirstDelay must be longer than zero";
        }

        if (options.MaxDelay < options.FirstDelay)
        {
            yield return $"{at}:MaxDelay must be at least FirstDelay ({options.FirstDelay})";
        }

        if (options.LockFor <= TimeSpan.Zero)
        {
            yield return $"{at}:LockFor must be longer than zero";
        }

        if (options.ForgetAfter < options.LockFor || options.ForgetAfter < options.MaxDelay)
        {
            yield return $"{at}:ForgetAfter must be at least LockFor ({options.LockFor}) and MaxDelay ({options.MaxDelay})";
        }
    }

    private static ValidateOptionsResult Result(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}

/// <summary>The client's address as the guard counts it.</summary>
internal static class ClientAddress
{
    /// <summary>An IPv4 address as it is; an IPv6 one by its /64, which one subscriber usually holds whole.</summary>
    public static string? KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    public static IPNetwork? Network(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(text, out var address)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }
}
