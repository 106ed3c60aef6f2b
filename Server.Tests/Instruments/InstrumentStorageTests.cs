using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;

namespace SignalRTicker.Server.Tests.Instruments;

/// <summary>
/// Instruments that admins add and remove are stored and survive restarts; sequences and prices carry on after a
/// graceful restart and never repeat after a crash; on SQLite and on PostgreSQL.
/// </summary>
public sealed class InstrumentStorageTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AddedInstruments_SurviveARestart_AndARemovedOneStaysRemoved(DatabaseProvider provider)
    {
        var folder = TickerAppFactory.NewDataFolder();
        var database = await postgres.CreateDatabaseAsync(provider);
        DateTimeOffset stoppedAt;
        await using (var first = new TickerAppFactory(dataFolder: folder) { KeepData = true, PostgresConnectionString = database })
        {
            using var admin = await AdminAsync(first);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("acme", "published"))).StatusCode);
            using var created = await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("BRK.B", "simulated", 401.5m));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(new CreatedInstrument("BRK.B", "simulated"), await created.Content.ReadFromJsonAsync<CreatedInstrument>());
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(created.Headers.Location)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/symbols/ETH-USD")).StatusCode);
            stoppedAt = first.Time!.GetUtcNow();
        }

        await using var second = new TickerAppFactory(dataFolder: folder) { PostgresConnectionString = database, ClockFrom = stoppedAt };
        using var client = await AdminAsync(second);
        var symbols = (await client.GetFromJsonAsync<InstrumentInfo[]>("/api/symbols"))!.ToDictionary(s => s.Symbol);
        Assert.Equal("published", symbols["ACME"].Source);
        Assert.Null(symbols["ACME"].Price);
        Assert.Equal(("simulated", 401.5m), (symbols["BRK.B"].Source, symbols["BRK.B"].Price!.Value));
        Assert.False(symbols.ContainsKey("ETH-USD"), "a default instrument an admin removed came back after a restart");
        Assert.True(symbols.ContainsKey("BTC-USD"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RemovingAnInstrument_UnsubscribesEveryConnection_AndItCanBeAddedAgainWithoutRepeatingSequences(DatabaseProvider provider)
    {
        await using var app = new TickerAppFactory { PostgresConnectionString = await postgres.CreateDatabaseAsync(provider) };
        using var admin = await AdminAsync(app);
        await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("ACME", "published"));
        var publisher = await app.CreateKeyAsync("publisher", "ACME");
        using var publish = app.CreateClient((await app.GetTokenAsync(publisher)).AccessToken);
        await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 1m), new QuoteInput("ACME", 2m) });
        var (hub, _) = await app.ConnectAsync();
        await using var _hub = hub;
        var unsubscribed = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, _) => unsubscribed.TrySetResult(symbols));
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME" }).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/symbols/ACME")).StatusCode);
        Assert.Equal(["ACME"], await unsubscribed.Task.DefaultTimeout());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/symbols/ACME")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 3m) })).StatusCode);

        // Back again: its quotes carry on after every sequence it ever gave.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("ACME", "published"))).StatusCode);
        await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 4m) });
        Assert.True(app.Services.GetRequiredService<InstrumentRegistry>().TryGetLatest("ACME", out var latest));
        Assert.True(latest.Sequence > 2, $"a re-added instrument repeated sequence {latest.Sequence}");
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests => new()
    {
        { "{}", HttpStatusCode.BadRequest, "symbol is required" },
        { "{\"symbol\":\"AC ME\",\"source\":\"published\"}", HttpStatusCode.BadRequest, "symbol 'AC ME' is not valid" },
        { "{\"symbol\":\"ACME\",\"source\":\"coinbase\"}", HttpStatusCode.BadRequest, "source must be \"published\" or \"simulated\"" },
        { "{\"symbol\":\"ACME\",\"source\":\"nope\"}", HttpStatusCode.BadRequest, "source must be" },
        { "{\"symbol\":\"ACME\"}", HttpStatusCode.BadRequest, "source must be" },
        { "{\"symbol\":\"ACME\",\"source\":\"simulated\"}", HttpStatusCode.BadRequest, "price is required for a simulated instrument" },
        { "{\"symbol\":\"ACME\",\"source\":\"simulated\",\"price\":0}", HttpStatusCode.BadRequest, "price must be a positive number" },
        { "{\"symbol\":\"ACME\",\"source\":\"published\",\"price\":3}", HttpStatusCode.BadRequest, "price is only for simulated instruments" },
        { "{\"symbol\":\"BTC-USD\",\"source\":\"published\"}", HttpStatusCode.Conflict, "'BTC-USD' is already an instrument" },
        { "{\"symbol\":\"ACME\",\"source\":\"published\"", HttpStatusCode.BadRequest, "" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task AddInstrument_BadRequests_AreProblemsNamingTheField(string body, HttpStatusCode status, string detail)
    {
        await using var app = new TickerAppFactory();
        using var admin = await AdminAsync(app);
        using var response = await admin.PostAsync("/api/admin/symbols", new StringContent(body, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(app.Services.GetRequiredService<InstrumentRegistry>().Contains("ACME"));
    }

    [Fact]
    public async Task SymbolsAdmin_IsForAdminsOnly()
    {
        await using var app = new TickerAppFactory();
        using var user = app.CreateClient((await app.GetTokenAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("ACME", "published"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.DeleteAsync("/api/admin/symbols/BTC-USD")).StatusCode);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/api/admin/symbols/BTC-USD")).StatusCode);
        Assert.True(app.Services.GetRequiredService<InstrumentRegistry>().Contains("BTC-USD"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task GracefulRestart_CarriesOnEachSequenceAndPrice(DatabaseProvider provider)
    {
        var folder = TickerAppFactory.NewDataFolder();
        var database = await postgres.CreateDatabaseAsync(provider);
        string publisher;
        Quote simulatedBefore;
        DateTimeOffset stoppedAt;
        await using (var first = new TickerAppFactory(dataFolder: folder) { KeepData = true, PostgresConnectionString = database })
        {
            using var admin = await AdminAsync(first);
            await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("ACME", "published"));
            publisher = await first.CreateKeyAsync("publisher", "ACME");
            using var publish = first.CreateClient((await first.GetTokenAsync(publisher)).AccessToken);
            for (var i = 1; i <= 5; i++)
            {
                await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 10m + i, 9m + i, 11m + i) });
            }

            for (var i = 0; i < 3; i++)
            {
                first.Tick();
            }

            Assert.True(first.Services.GetRequiredService<InstrumentRegistry>().TryGetLatest("BTC-USD", out simulatedBefore!));
            Assert.Equal(3, simulatedBefore.Sequence);
            stoppedAt = first.Time!.GetUtcNow();
        }

        await using var second = new TickerAppFactory(dataFolder: folder) { PostgresConnectionString = database, ClockFrom = stoppedAt };
        var instruments = second.Services.GetRequiredService<InstrumentRegistry>();
        Assert.True(instruments.TryGetLatest("ACME", out var acme));
        Assert.Equal((15m, 14m, 16m, 5L), (acme.Price, acme.Bid!.Value, acme.Ask!.Value, acme.Sequence));
        Assert.True(instruments.TryGetLatest("BTC-USD", out var btc));
        Assert.Equal((simulatedBefore.Price, simulatedBefore.Change, 3L), (btc.Price, btc.Change, btc.Sequence));

        using var again = second.CreateClient((await second.GetTokenAsync(publisher)).AccessToken);
        await again.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 20m) });
        second.Tick();
        Assert.Equal(6, instruments.TryGet("ACME", out var acmeNow) ? acmeNow.Latest!.Sequence : 0);
        Assert.True(instruments.TryGetLatest("BTC-USD", out var btcNow));
        Assert.Equal(4, btcNow.Sequence);
        Assert.InRange(btcNow.Price, simulatedBefore.Price * 0.9m, simulatedBefore.Price * 1.1m);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AfterACrash_SequencesJumpForward_AndNeverRepeat(DatabaseProvider provider)
    {
        var folder = TickerAppFactory.NewDataFolder();
        var copy = TickerAppFactory.NewDataFolder();
        var database = await postgres.CreateDatabaseAsync(provider);
        DateTimeOffset stoppedAt;
        await using (var first = new TickerAppFactory(dataFolder: folder) { KeepData = true, PostgresConnectionString = database })
        {
            using var admin = await AdminAsync(first);
            await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest("ACME", "published"));
            var publisher = await first.CreateKeyAsync("publisher", "ACME");
            using var publish = first.CreateClient((await first.GetTokenAsync(publisher)).AccessToken);
            await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 1m) });

            // A second passes: the instrument's sequences are reserved ahead. Then more quotes, and the process dies:
            // the database is as it was before any graceful stop (a copy of the SQLite file; PostgreSQL stopped, so the
            // graceful stop's save fails).
            first.Time!.Advance(InstrumentPersistence.Interval);
            var instruments = first.Services.GetRequiredService<InstrumentRegistry>();
            await TaskTimeoutExtensions.WaitUntilAsync(() => instruments.TryGet("ACME", out var i) && i.ReservedSequence > 1);
            await publish.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 2m), new QuoteInput("ACME", 3m) });
            if (database is null)
            {
                CopyDatabase(first.DatabaseFile, copy);
            }
            else
            {
                await postgres.KillAsync().DefaultTimeout();
            }

            stoppedAt = first.Time!.GetUtcNow();
        }

        if (database is null)
        {
            Directory.Delete(folder, recursive: true);
        }
        else
        {
            await postgres.RestartAsync().DefaultTimeout(ServerProcess.StartTimeout);
        }

        await using var second = new TickerAppFactory(dataFolder: copy) { PostgresConnectionString = database, ClockFrom = stoppedAt };
        var publisherAgain = await second.CreateKeyAsync("publisher", "ACME");
        using var again = second.CreateClient((await second.GetTokenAsync(publisherAgain)).AccessToken);
        await again.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 4m) });

        Assert.True(second.Services.GetRequiredService<InstrumentRegistry>().TryGetLatest("ACME", out var latest));
        Assert.Equal(4m, latest.Price);
        Assert.True(latest.Sequence > 3, $"after a crash the sequence went back to {latest.Sequence}");
    }

    /// <summary>A consistent copy of a live SQLite database, as a crash would leave it on disk.</summary>
    private static void CopyDatabase(string databaseFile, string folder)
    {
        Directory.CreateDirectory(folder);
        using var source = new SqliteConnection($"Data Source={databaseFile}");
        using var target = new SqliteConnection($"Data Source={Path.Combine(folder, "ticker.db")}");
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }

    private static async Task<HttpClient> AdminAsync(TickerAppFactory app) =>
        app.CreateClient((await app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
}
