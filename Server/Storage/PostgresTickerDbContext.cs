using Microsoft.EntityFrameworkCore;

namespace SignalRTicker.Server.Storage;

/// <summary>The database on a PostgreSQL server that every node shares. Timestamps are <c>timestamptz</c>, in UTC.</summary>
public sealed class PostgresTickerDbContext(DbContextOptions<PostgresTickerDbContext> options) : TickerDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Npgsql writes only UTC to timestamptz and refuses any other offset; a caller's offset must not become a failure.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
    }
}
