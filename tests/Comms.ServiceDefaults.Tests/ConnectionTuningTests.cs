using Comms.ServiceDefaults.Persistence;
using Npgsql;

namespace Comms.ServiceDefaults.Tests;

/// <summary>The pool settings every service runs with, unless the operator's connection string names them.</summary>
public sealed class ConnectionTuningTests
{
    [Fact]
    public void A_connection_string_without_them_keeps_sessions_and_prepares_what_repeats()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseExtensions.Tuned("Host=db;Database=comms_scheduling;Username=comms;Password=secret"));

        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(100, tuned.MaxAutoPrepare);
        Assert.Equal(("db", "comms_scheduling", "comms", "secret"), (tuned.Host, tuned.Database, tuned.Username, tuned.Password));
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;NoResetOnClose=false;MaxAutoPrepare=0")]
    public void What_the_operator_set_is_kept(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseExtensions.Tuned(connectionString));

        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(0, tuned.MaxAutoPrepare);
    }
}
