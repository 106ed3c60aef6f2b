using Microsoft.EntityFrameworkCore;

namespace SignalRTicker.Server.Keys;

public sealed class KeyStoreDbContext(DbContextOptions<KeyStoreDbContext> options) : DbContext(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<TokenRecord> Tokens => Set<TokenRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var key = modelBuilder.Entity<ApiKey>();
        key.ToTable("ApiKeys");
        key.Property(k => k.Name).HasMaxLength(ApiKeyRules.MaxNameLength);
        key.Property(k => k.Role).HasMaxLength(16);
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
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so queries stay server-side.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}
