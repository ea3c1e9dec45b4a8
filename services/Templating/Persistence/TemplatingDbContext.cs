using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Persistence;

public sealed class TemplatingDbContext(DbContextOptions<TemplatingDbContext> options) : ServiceDbContext(options)
{
    public DbSet<MessageTemplate> Templates => Set<MessageTemplate>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<MessageTemplate>(template =>
        {
            template.ToTable("message_templates");
            template.HasKey(x => x.Id);
            template.Property(x => x.Key).HasMaxLength(100);
            template.Property(x => x.Channel).HasMaxLength(20);
            template.Property(x => x.Locale).HasMaxLength(10);
            template.Property(x => x.Body).HasMaxLength(10_000);
            template.Property(x => x.Subject).HasMaxLength(500);
            template.Property(x => x.Status).HasMaxLength(20);
            template.HasIndex(x => new { x.Key, x.Channel, x.Locale, x.Version }).IsUnique();
            template.HasData(TemplateSeed.All);
        });
    }
}
