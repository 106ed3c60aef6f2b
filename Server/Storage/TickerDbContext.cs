using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// The gateway's database. Its migrations were made when it was the key store's alone; their ids are what a database
/// records as applied, so they keep their names.
/// </summary>
public sealed class TickerDbContext(DbContextOptions<TickerDbContext> options) : DbContext(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<TokenRecord> Tokens => Set<TokenRecord>();

    public DbSet<InstrumentRecord> Instruments => Set<InstrumentRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var key = modelBuilder.Entity<ApiKey>();
        key.ToTable("ApiKeys");
        key.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength);
        key.Property(k => k.Role).HasMaxLength(ApiKey.MaxRoleLength);
        key.Property(k => k.HashPrefix).HasMaxLength(16);
        key.Property(k => k.KeyHash).HasMaxLength(32);
        key.HasIndex(k => k.HashPrefix);
        key.Ignore(k => k.IsRevoked);

        var token = modelBuilder.Entity<TokenRecord>();
        token.ToTable("Tokens");
        token.Property(t => t.Id).HasMaxLength(32);
        token.Property(t => t.ClientIp).HasMaxLength(64);
        token.Property(t => t.UserAgent).HasMaxLength(TokenRecord.MaxUserAgentLength);
        token.HasIndex(t => t.KeyId);
        token.HasIndex(t => t.ExpiresAt);

        var instrument = modelBuilder.Entity<InstrumentRecord>();
        instrument.ToTable("Instruments");
        instrument.HasKey(i => i.Symbol);
        instrument.Property(i => i.Symbol).HasMaxLength(InstrumentRecord.MaxSymbolLength);
        instrument.Property(i => i.Source).HasMaxLength(InstrumentRecord.MaxSourceLength);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so queries stay server-side.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
