using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests;

/// <summary>
/// The real app with its own SQLite file, its own signing key and seeded keys. With <see cref="Time"/> set, the
/// feed and token lifetimes run on a <see cref="FakeTimeProvider"/> that the test advances; with
/// <see cref="Kestrel"/>, the app listens on a loopback port so real sockets (WebSockets, the query token) are used.
/// </summary>
public sealed class TickerAppFactory : WebApplicationFactory<Program>
{
    public const string DemoKey = "stk_test_demo_key_with_enough_length_0001";
    public const string AdminKey = "stk_test_admin_key_with_enough_length_0001";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "signalr-ticker-tests", Guid.NewGuid().ToString("N"));

    /// <param name="fakeTime">Run the feed and token lifetimes on a <see cref="FakeTimeProvider"/>.</param>
    /// <param name="kestrel">Listen on a loopback port instead of the in-memory test server.</param>
    /// <param name="port">With <paramref name="kestrel"/>, a fixed port (0 picks a free one): lets a test stop a server and start another where clients expect it.</param>
    public TickerAppFactory(bool fakeTime = true, bool kestrel = false, int port = 0)
    {
        Time = fakeTime ? new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.Zero } : null;
        Kestrel = kestrel;
        Port = port;
        if (kestrel)
        {
            UseKestrel(port);
        }
    }

    public int Port { get; }

    public FakeTimeProvider? Time { get; }

    public bool Kestrel { get; }

    public string DatabaseFile => Path.Combine(_folder, "ticker.db");

    public string SigningKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

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
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Ticker", $"Data Source={DatabaseFile}");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Auth:DemoApiKey", DemoKey);
        builder.UseSetting("Auth:AdminApiKey", AdminKey);
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

    /// <summary>Moves fake time on by one feed interval, which makes the feed tick once.</summary>
    public void Tick()
    {
        if (Time is null)
        {
            throw new InvalidOperationException("This factory runs on real time; create it with fakeTime: true to tick by hand.");
        }

        Time.Advance(TickInterval);
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
