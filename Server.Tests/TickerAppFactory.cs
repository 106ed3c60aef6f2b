using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests;

/// <summary>
/// The real app with its own SQLite file (or, with <see cref="PostgresConnectionString"/>, a PostgreSQL database), its
/// own signing key and seeded keys. With <see cref="Time"/> set, the feed and token lifetimes run on a
/// <see cref="FakeTimeProvider"/> that the test advances; with <see cref="Kestrel"/>, the app listens on a loopback
/// port so real sockets (WebSockets, the query token) are used.
/// </summary>
public sealed class TickerAppFactory : WebApplicationFactory<Program>
{
    public const string DemoKey = "stk_test_demo_key_with_enough_length_0001";
    public const string AdminKey = "stk_test_admin_key_with_enough_length_0001";

    private readonly string _folder;

    /// <summary>False once a <see cref="Restarted"/> copy has taken over the folder, so disposing this one keeps it.</summary>
    private bool _ownsFolder = true;

    /// <param name="fakeTime">Run the feed and token lifetimes on a <see cref="FakeTimeProvider"/>.</param>
    /// <param name="kestrel">Listen on a real loopback socket instead of the in-memory test server.</param>
    /// <param name="port">With <paramref name="kestrel"/>, the loopback port; 0 picks a free one.</param>
    /// <param name="dataFolder">Share a data folder (database, development signing key) with an earlier host, to test restarts.</param>
    public TickerAppFactory(bool fakeTime = true, bool kestrel = false, int port = 0, string? dataFolder = null)
    {
        _folder = dataFolder ?? NewDataFolder();
        // From a whole second: a JWT's exp is whole seconds (cut down), so a token ends at the same fake instant in
        // every run instead of up to a second early depending on when the run started.
        Time = fakeTime ? new FakeTimeProvider(WholeSecond(DateTimeOffset.UtcNow)) { AutoAdvanceAmount = TimeSpan.Zero } : null;
        Kestrel = kestrel;
        Port = port;
        if (kestrel)
        {
            UseKestrel(port);
        }
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));

    public static string NewDataFolder() => Path.Combine(Path.GetTempPath(), "signalr-ticker-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Keep the data folder after disposal, for a second host to start from it.</summary>
    public bool KeepData { get; init; }

    public string Environment { get; init; } = "Development";

    /// <summary>The same database, signing key, settings and services, on <paramref name="port"/>.</summary>
    private TickerAppFactory(TickerAppFactory previous, int port)
        : this(fakeTime: false, kestrel: true, port, previous._folder)
    {
        SigningKey = previous.SigningKey;
        PostgresConnectionString = previous.PostgresConnectionString;
        Environment = previous.Environment;
        TestServices = previous.TestServices;
        foreach (var (key, value) in previous.Settings)
        {
            Settings[key] = value;
        }
    }

    /// <summary>The configured loopback port (0: any free port).</summary>
    public int Port { get; }

    public FakeTimeProvider? Time { get; }

    /// <summary>
    /// Starts the fake clock no earlier than this: a restart's clock carries on from where the previous run's stopped,
    /// as a real one would, instead of starting in the same second again behind the quotes that run stored.
    /// </summary>
    public DateTimeOffset ClockFrom
    {
        init
        {
            if (Time is not null && value > Time.GetUtcNow())
            {
                Time.SetUtcNow(value);
            }
        }
    }

    public bool Kestrel { get; }

    public string DatabaseFile => Path.Combine(_folder, "ticker.db");

    /// <summary>Run on this PostgreSQL database (Database:Provider=Postgres) instead of <see cref="DatabaseFile"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Null leaves Auth:SigningKey unset, as on a fresh machine.</summary>
    public string? SigningKey { get; init; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Extra configuration, applied on top of the defaults above.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Extra service replacements, such as a scripted <see cref="IQuoteSource"/>.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The address clients use: the Kestrel loopback address, or the in-memory test server's.</summary>
    public Uri BaseAddress
    {
        get
        {
            if (!Kestrel)
            {
                return Server.BaseAddress;
            }

            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    public TimeSpan TickInterval => Services.GetRequiredService<IOptions<TickerOptions>>().Value.Interval;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        if (PostgresConnectionString is { } postgres)
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Ticker", postgres);
        }
        else
        {
            builder.UseSetting("ConnectionStrings:Ticker", $"Data Source={DatabaseFile}");
        }

        if (SigningKey is not null)
        {
            builder.UseSetting("Auth:SigningKey", SigningKey);
        }

        builder.UseSetting("Auth:DemoApiKey", DemoKey);
        builder.UseSetting("Auth:AdminApiKey", AdminKey);

        // Tests ask for many tokens from one address; the limit itself is tested with a low value through Settings.
        builder.UseSetting("RateLimits:TokenPerMinute", "100000");
        // A test that ends with connections open should not wait out a drain; the drain's own tests set it.
        builder.UseSetting("Shutdown:DrainSeconds", "0");
        if (Kestrel)
        {
            builder.UseUrls($"http://127.0.0.1:{Port}");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (Time is not null)
            {
                services.AddSingleton<TimeProvider>(Time);
            }

            TestServices?.Invoke(services);
        });
    }

    /// <summary>
    /// A new app that will listen on this one's port with this one's database and signing key, as a restarted server
    /// would; tokens issued before the restart stay valid. Call it while this one runs, then dispose this one; the new
    /// one starts when first used and takes over deleting the database folder.
    /// </summary>
    public TickerAppFactory Restarted()
    {
        if (!Kestrel || Time is not null)
        {
            throw new InvalidOperationException("Only a real-time Kestrel app can be restarted on the same port.");
        }

        var next = new TickerAppFactory(this, BaseAddress.Port);
        _ownsFolder = false;
        return next;
    }

    /// <summary>
    /// Moves fake time on by one feed interval, which makes the feed tick once, and returns when that tick is done: what
    /// it published can be asserted on, and two calls make two ticks (the feed's timer would merge a second signal
    /// that came while it was still busy with the first).
    /// </summary>
    public void Tick()
    {
        if (Time is null)
        {
            throw new InvalidOperationException("This factory runs on real time; create it with fakeTime: true to tick by hand.");
        }

        // The feed starts its timer on a thread of its own once the host runs; moved before that, the clock would
        // pass without a tick.
        var feed = Services.GetServices<IHostedService>().OfType<SimulatedFeed>().Single();
        if (!SpinWait.SpinUntil(() => feed.IsTicking, TaskTimeoutExtensions.DefaultTimeoutSpan))
        {
            throw new TimeoutException("The simulated feed did not start within the default timeout.");
        }

        // A tick that began before this signal is not the one it causes.
        var started = feed.TicksStarted;
        Time.Advance(TickInterval);
        if (!SpinWait.SpinUntil(() => feed.TicksFinished > started, TaskTimeoutExtensions.DefaultTimeoutSpan))
        {
            throw new TimeoutException("The simulated feed did not finish its tick within the default timeout.");
        }
    }

    public async Task<TokenResponse> GetTokenAsync(string apiKey = DemoKey)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { apiKey });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    public HttpClient CreateClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        return client;
    }

    /// <summary>Creates a key through the real store, as the admin API will; returns its one-time secret.</summary>
    public async Task<string> CreateKeyAsync(string role, params string[] symbols) =>
        (await CreateKeyWithIdAsync(role, symbols)).Secret;

    public async Task<(Guid Id, string Secret)> CreateKeyWithIdAsync(string role, params string[] symbols)
    {
        await using var scope = Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var (key, secret) = await store.CreateAsync($"test {role}", role, [.. symbols], CancellationToken.None);
        return (key.Id, secret);
    }

    public async Task RevokeKeyAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().RevokeAsync(id, CancellationToken.None));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData || !_ownsFolder)
        {
            return;
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}
