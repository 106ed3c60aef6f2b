using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// The database in a SQLite file. Its migrations were made when it was the key store's alone; their ids are what a
/// database records as applied, so they keep their names.
/// </summary>
public sealed class SqliteTickerDbContext(DbContextOptions<SqliteTickerDbContext> options) : TickerDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so queries stay server-side.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
