using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.StaffAccounts;

/// <summary>
/// What staff sign-in keeps in the service's own database: the keys that protect the cookie and the counts of wrong
/// passwords. The service's DbContext implements it and calls <see cref="StaffSignInModel.AddStaffSignIn"/>.
/// </summary>
public interface IStaffSignInStore
{
    /// <summary>The keys that protect sign-in cookies, shared by every replica (a cookie one issues, the others read).</summary>
    DbSet<DataProtectionKey> DataProtectionKeys { get; }

    /// <summary>Wrong passwords in a row, per account name and per client address.</summary>
    DbSet<SignInThrottle> SignInThrottles { get; }
}

public static class StaffSignInModel
{
    /// <summary>Tables <c>data_protection_keys</c> and <c>staff_sign_in_throttles</c>.</summary>
    public static ModelBuilder AddStaffSignIn(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>(key =>
        {
            key.ToTable("data_protection_keys");
            key.HasKey(x => x.Id);
            key.Property(x => x.FriendlyName).HasMaxLength(200);
        });

        modelBuilder.Entity<SignInThrottle>(throttle =>
        {
            throttle.ToTable("staff_sign_in_throttles");
            throttle.HasKey(x => x.Key);
            throttle.Property(x => x.Key).HasMaxLength(SignInThrottle.KeyLength);
            // Two replicas counting the same key at once: the second write fails and counts again on the fresh row.
            throttle.Property(x => x.Version).IsConcurrencyToken();
            throttle.HasIndex(x => x.LastFailedAt);
        });
        return modelBuilder;
    }
}

/// <summary>One data-protection key (its XML as ASP.NET Core writes it).</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }

    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}

/// <summary>
/// The wrong passwords in a row of one account name or one client address. <see cref="Key"/> is a SHA-256 digest
/// (<c>account:…</c>, <c>address:…</c>): the table holds neither names nor addresses.
/// </summary>
public sealed class SignInThrottle
{
    public const int KeyLength = 80;

    public required string Key { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset LastFailedAt { get; set; }

    /// <summary>No attempt is checked before this moment.</summary>
    public DateTimeOffset NotBefore { get; set; }

    /// <summary>The wait is a lockout (the count reached its limit), not a delay.</summary>
    public bool Locked { get; set; }

    public Guid Version { get; set; }
}

/// <summary>
/// Keeps the data-protection keys (which protect the sign-in cookie) in the service's own database, so every replica
/// and every restart reads the cookies any of them issued. ASP.NET Core reads the ring rarely and caches it.
/// </summary>
internal sealed class DatabaseKeyRing<TDbContext>(IServiceScopeFactory scopes) : IXmlRepository
    where TDbContext : DbContext, IStaffSignInStore
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        return [.. db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
