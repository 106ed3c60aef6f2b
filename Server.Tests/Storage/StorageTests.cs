using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Tests.Storage;

/// <summary>The database: its migrations describe its model, and a database made by an earlier server still opens.</summary>
public sealed class StorageTests
{
    /// <summary>
    /// A ticker.db made by the server before its database moved to Storage (KeyStoreDbContext, in Keys): two keys made
    /// with <c>keys create</c>, one of them revoked with <c>keys revoke</c>, a token issued, an admin key seeded.
    /// </summary>
    private static readonly string EarlierDatabase = Path.Combine(AppContext.BaseDirectory, "Storage", "ticker-before-issue-12.sqlite");

    private const string EarlierUserKey = "stk_rKWRlt2y2Z3o0clIfcvgxBVCzrXBCK1DS9a-fb8zFcA";
    private const string EarlierRevokedKey = "stk_BbRj_T8EguOYoSJT_63gCMot0kGJBK_upJopSOAqkN4";

    [Fact]
    public async Task DatabaseMadeByTheEarlierServer_OpensAndKeepsItsKeys()
    {
        var folder = TickerAppFactory.NewDataFolder();
        Directory.CreateDirectory(folder);
        File.Copy(EarlierDatabase, Path.Combine(folder, "ticker.db"));
        await using var app = new TickerAppFactory(dataFolder: folder);

        var token = await app.GetTokenAsync(EarlierUserKey);
        using var anonymous = app.CreateClient();
        using var refused = await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = EarlierRevokedKey });
        using var admin = app.CreateClient((await app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        var keys = await admin.GetFromJsonAsync<KeySummary[]>("/api/admin/keys");

        Assert.Equal(["BTC-USD", "ETH-USD"], token.Symbols);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(Assert.Single(keys!, k => k.Name == "fixture revoked").Revoked);
        Assert.NotNull(Assert.Single(keys!, k => k.Name == "fixture user").LastUsedAt);
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TickerDbContext>().Database;
        Assert.Empty(await database.GetPendingMigrationsAsync());
        Assert.Equal(database.GetMigrations(), await database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Model_IsWhatItsMigrationsMake()
    {
        await using var app = new TickerAppFactory();
        await using var scope = app.Services.CreateAsyncScope();

        Assert.False(scope.ServiceProvider.GetRequiredService<TickerDbContext>().Database.HasPendingModelChanges());
    }
}
