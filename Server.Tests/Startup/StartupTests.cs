using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Tests.Startup;

/// <summary>What happens at start: configuration is checked, secrets are made or demanded, seed keys appear once.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData(null, "Auth:SigningKey is not set")]
    [InlineData("c2hvcnQ=", "at least 32 bytes")]
    [InlineData("not base64!", "must be base64")]
    public async Task Production_WithoutAUsableSigningKey_RefusesToStart(string? signingKey, string message)
    {
        await using var app = new TickerAppFactory { Environment = "Production", SigningKey = signingKey };

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(message, error.Message);
        Assert.Contains("Auth:SigningKey", error.Message);
    }

    [Theory]
    [InlineData("Ticker:IntervalMs", "0", "Ticker:IntervalMs must be between")]
    [InlineData("Ticker:Symbols:btc usd", "1", "Ticker:Symbols:btc usd is not a valid symbol")]
    [InlineData("Auth:TokenLifetime", "00:00:00", "Auth:TokenLifetime must be between")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.300", "ForwardedHeaders:KnownProxies:0 ('10.0.0.300') is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "ForwardedHeaders:KnownNetworks:0 ('10.0.0.0') is not a network")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.1/8", "ForwardedHeaders:KnownNetworks:0 ('10.0.0.1/8') is not a network")]
    [InlineData("Metrics:Port", "70000", "Metrics:Port must be between 1 and 65535")]
    [InlineData("Metrics:Host", "metrics.internal", "Metrics:Host ('metrics.internal') must be an IP address")]
    public async Task InvalidConfiguration_RefusesToStartNamingTheKey(string key, string value, string message)
    {
        await using var app = new TickerAppFactory();
        app.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Development_WithoutSigningKey_GeneratesOneKeptAcrossRestarts()
    {
        var folder = TickerAppFactory.NewDataFolder();
        string token;
        await using (var first = new TickerAppFactory(dataFolder: folder) { SigningKey = null, KeepData = true })
        {
            token = (await first.GetTokenAsync()).AccessToken;
        }

        var keyFile = Path.Combine(folder, "signing-key.development");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        await using var second = new TickerAppFactory(dataFolder: folder) { SigningKey = null };
        using var client = second.CreateClient(token);
        using var response = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SeedKeys_AreCreatedOnce_AcrossRestarts()
    {
        var folder = TickerAppFactory.NewDataFolder();
        await using (var first = new TickerAppFactory(dataFolder: folder) { KeepData = true })
        {
            await first.GetTokenAsync(TickerAppFactory.AdminKey);
        }

        await using var second = new TickerAppFactory(dataFolder: folder);
        var admin = await second.GetTokenAsync(TickerAppFactory.AdminKey);
        Assert.Equal("admin", admin.Role);

        await using var db = new SqliteConnection($"Data Source={second.DatabaseFile};Pooling=False");
        await db.OpenAsync();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM ApiKeys";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }
}
