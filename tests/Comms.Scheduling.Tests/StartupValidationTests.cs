using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Comms.Scheduling.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Reminders:Defaults:Sends:0:HoursBefore", "-1", "Reminders:Defaults:Sends:0:HoursBefore")]
    [InlineData("Reminders:Defaults:Sends:1:Channels:0", "fax", "Reminders:Defaults:Sends:1:Channels")]
    [InlineData("Reminders:Defaults:MinimumLeadTimeMinutes", "-5", "Reminders:Defaults:MinimumLeadTimeMinutes")]
    [InlineData("Operators:ApiKeys:0:Key", "short", "Operators:ApiKeys:0:Key")]
    [InlineData("Mis:Clinics:0:ApiKey", "short", "Mis:Clinics:0:ApiKey")]
    [InlineData("RabbitMq:Host", "", "Host")]
    public void Misconfigured_service_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        var failure = StartupFailure.Of<Program, OptionsValidationException>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Mis:Clinics:0:ClinicId", "msk-1");
            builder.UseSetting("Mis:Clinics:0:ApiKey", "a-long-enough-key");
            builder.UseSetting(key, value);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("comms", "guest-is-not-used-here", "ConnectionStrings:Database")]
    [InlineData("a-real-database-secret", "comms", "RabbitMq:Password")]
    [InlineData("a-real-database-secret", "guest", "RabbitMq:Password")]
    [InlineData("", "a-real-broker-secret", "ConnectionStrings:Database")]
    public void Outside_development_a_default_password_refuses_to_start_and_names_the_setting(string databasePassword, string brokerPassword, string named)
    {
        var failure = StartupFailure.Of<Program, InvalidOperationException>(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Database", $"Host=localhost;Database=comms_scheduling;Username=comms;Password={databasePassword}");
            builder.UseSetting("RabbitMq:Password", brokerPassword);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.Contains("Production", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_made_by_an_earlier_builds_migrations_refuses_to_start_and_says_to_drop_it()
    {
        var database = await TestInfrastructure.NewDatabaseAsync("oldhist");
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        try
        {
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Database = "postgres", Pooling = false }.ConnectionString))
            {
                await admin.OpenAsync(TestContext.Current.CancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            await using (var old = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString))
            {
                await old.OpenAsync(TestContext.Current.CancellationToken);
                await using var history = new NpgsqlCommand(
                    "CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" varchar(150) PRIMARY KEY, \"ProductVersion\" varchar(32) NOT NULL);" +
                    "INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261120000000_Initial', '10.0.5'), ('20261121000000_Reminders', '10.0.5');" +
                    "CREATE TABLE appointments (id int);", old);
                await history.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var settings = await TestInfrastructure.ServiceSettingsAsync(database, "/");
            var failure = StartupFailure.Of<Program, InvalidOperationException>(builder =>
            {
                builder.UseEnvironment("Testing");
                foreach (var (key, value) in settings)
                {
                    builder.UseSetting(key, value);
                }

                builder.UseSetting("Mis:Clinics:0:ClinicId", "msk-1");
                builder.UseSetting("Mis:Clinics:0:ApiKey", "a-long-enough-key");
            });

            Assert.Contains($"The database '{name}' was made by an earlier build", failure.Message, StringComparison.Ordinal);
            Assert.Contains("'20261121000000_Reminders'", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"dropdb '{name}'", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await TestInfrastructure.DropDatabaseAsync(database);
        }
    }
}
