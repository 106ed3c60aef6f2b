using Microsoft.EntityFrameworkCore;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// The gateway's database, as every feature sees it. Each provider has a context of its own
/// (<see cref="SqliteTickerDbContext"/>, <see cref="PostgresTickerDbContext"/>) because each keeps its own set of
/// migrations, EF Core's pattern for several providers: a model change adds a migration to both sets, e.g.
/// <c>dotnet ef migrations add Name --context PostgresTickerDbContext -- --Database:Provider=Postgres
/// --ConnectionStrings:Ticker=Host=localhost</c>, and the same with <c>SqliteTickerDbContext</c>.
/// </summary>
public abstract class TickerDbContext(DbContextOptions options) : DbContext(options)
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
        // One row per secret, even when several nodes seed the same configured key at once.
        key.HasIndex(k => k.KeyHash).IsUnique();
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
}
