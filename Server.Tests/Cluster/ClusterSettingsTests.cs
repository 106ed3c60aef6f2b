using ServerProcess = SignalRTicker.Server.Tests.Startup.ServerProcess;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>A cluster needs a database its nodes share: Redis without it is refused at start, naming both keys.</summary>
[Collection(ClusterSerial.Name)]
public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Sqlite")]
    public async Task RedisWithoutPostgres_RefusesToStart_NamingBothKeys(string? provider)
    {
        var folder = Directory.CreateTempSubdirectory("signalr-ticker-cluster-settings-").FullName;
        try
        {
            // No Redis listens there: the check comes before any connection is tried.
            await using var server = ServerProcess.Start(folder, "Development", new Dictionary<string, string?>
            {
                ["ConnectionStrings:Redis"] = "127.0.0.1:9",
                ["Database:Provider"] = provider,
            }, "--urls", "http://127.0.0.1:0");

            Assert.Equal(1, await server.ExitCodeAsync(TimeSpan.FromSeconds(30)));
            var error = string.Join('\n', server.Stderr);
            Assert.Contains("ConnectionStrings:Redis and Database:Provider", error, StringComparison.Ordinal);
            Assert.Contains("Database:Provider=Postgres", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
