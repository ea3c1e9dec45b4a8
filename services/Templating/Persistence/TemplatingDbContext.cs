using Comms.ServiceDefaults.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Persistence;

public sealed class TemplatingDbContext(DbContextOptions<TemplatingDbContext> options) : ServiceDbContext(options), IStaffSignInStore
{
    public DbSet<MessageTemplate> Templates => Set<MessageTemplate>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.AddStaffSignIn();

        modelBuilder.Entity<MessageTemplate>(template =>
        {
            template.ToTable("message_templates");
            template.HasKey(x => x.Id);
            template.Property(x => x.Key).HasMaxLength(100);
            template.Property(x => x.Channel).HasMaxLength(20);
            template.Property(x => x.Locale).HasMaxLength(10);
            template.Property(x => x.Body).HasMaxLength(MessageTemplateLimits.Body);
            template.Property(x => x.ClinicId).HasMaxLength(64);
            template.Property(x => x.Subject).HasMaxLength(MessageTemplateLimits.Subject);
            template.Property(x => x.Html).HasMaxLength(MessageTemplateLimits.Html);
            template.Property(x => x.WhatsAppTemplateName).HasMaxLength(512);
            // A change is written only if the version still has the status it was read with: a draft published or a
            // published version archived by someone else in the meantime makes the second writer fail, not overwrite.
            template.Property(x => x.Status).HasMaxLength(20).IsConcurrencyToken();
            template.Property(x => x.Author).HasMaxLength(100);

            // A chain-wide identity has ClinicId null: NULLS NOT DISTINCT makes null equal to null for uniqueness.
            template.HasIndex(x => new { x.Key, x.Channel, x.Locale, x.ClinicId, x.Version }).IsUnique().AreNullsDistinct(false);

            // At most one published version and one draft per identity, whatever runs at the same moment: a second
            // concurrent publish or rollback fails on the index instead of leaving two published versions.
            template.HasIndex(x => new { x.Key, x.Channel, x.Locale, x.ClinicId }, "ix_message_templates_one_published")
                .IsUnique().AreNullsDistinct(false)
                .HasFilter($"\"Status\" = '{TemplateStatuses.Published}'");
            template.HasIndex(x => new { x.Key, x.Channel, x.Locale, x.ClinicId }, "ix_message_templates_one_draft")
                .IsUnique().AreNullsDistinct(false)
                .HasFilter($"\"Status\" = '{TemplateStatuses.Draft}'");
        });
    }
}

/// <summary>Longest texts a version may hold; the authoring API refuses longer ones with a 400 naming the field.</summary>
public static class MessageTemplateLimits
{
    public const int Body = 10_000;
    public const int Subject = 500;
    public const int Html = 50_000;
}
