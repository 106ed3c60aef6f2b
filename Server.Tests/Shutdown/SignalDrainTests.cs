using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Tests.Client;
using SignalRTicker.Server.Tests.Startup;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>
/// The drain as an operator meets it: the built server as a process of its own, stopped with SIGTERM (what systemd
/// and <c>kill</c> send). The console lifetime stops the application on the signal, and SignalR closes every connection
/// as soon as the application is stopping, so only a drain that runs before that ends connections with its close.
/// </summary>
public sealed class SignalDrainTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-drain-");

    public void Dispose() => _folder.Delete(recursive: true);

    [PosixFact("it sends the server SIGTERM")]
    public async Task Sigterm_DrainsTheHubConnectionsWithTheReconnectClose_ThenExitsCleanly()
    {
        await using var server = ServerProcess.Start(_folder.FullName, "Development", new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ticker"] = $"Data Source={_folder.FullName}/ticker.db",
            ["Shutdown:DrainSeconds"] = "1",
        }, "--urls", "http://127.0.0.1:0");
        var page = await server.PageAddressAsync();
        using var http = new HttpClient { BaseAddress = page };
        using var issued = await http.PostAsJsonAsync("/api/auth/token", new { apiKey = ServerProcess.ShippedDemoKey() }).DefaultTimeout();
        var token = (await issued.Content.ReadFromJsonAsync<TokenResponse>().DefaultTimeout())!.AccessToken;
        var clock = Stopwatch.StartNew();
        var policies = new[] { new RecordingRetryPolicy(clock), new RecordingRetryPolicy(clock) };
        var connections = policies.Select(policy => policy.Connect(page, token)).ToList();
        try
        {
            foreach (var connection in connections)
            {
                await connection.StartAsync().DefaultTimeout();

                // The handshake ends before the server registers the connection; an answered call comes after it.
                await connection.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
            }

            await server.SignalAsync("TERM");

            foreach (var policy in policies)
            {
                var (reason, _) = await policy.Asked.DefaultTimeout();
                Assert.EndsWith(CloseReasons.ServerShuttingDown, Assert.IsType<HubException>(reason).Message, StringComparison.Ordinal);
            }

            Assert.Equal(0, await server.ExitCodeAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(server.Stdout, line => line.Contains("Draining: closing 2 hub connections over 1 s", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
