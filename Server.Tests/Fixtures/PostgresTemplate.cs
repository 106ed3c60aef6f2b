namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// One initdb per test run: every <see cref="PostgresServer"/> copies this cluster instead of creating its own,
/// which makes a fixture's start a file copy plus the postmaster's start-up.
/// </summary>
internal static class PostgresTemplate
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(30);

    // Written once and only read after: the lazy task is the single initdb all fixtures of this run share.
    private static readonly Lazy<Task<string>> Folder = new(CreateAsync);

    /// <summary>Copies the template (the data directory and an empty socket directory) into <paramref name="folder"/>.</summary>
    public static async Task CopyToAsync(string folder)
    {
        var template = await Folder.Value;
        // cp -a as the postgres user keeps the 0700 modes PostgreSQL insists on and gives the copy to that user.
        await ServerProcess.RunAsync(ServerProcess.AsUser(PostgresServer.OsUser, ["cp", "-a", $"{template}/.", folder]), CopyTimeout);
    }

    private static async Task<string> CreateAsync()
    {
        var folder = await FixtureFolder.CreateAsync("postgres-template", PostgresServer.OsUser);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(folder);

        await ServerProcess.RunAsync(ServerProcess.AsUser(PostgresServer.OsUser,
        [
            Path.Combine(PostgresServer.BinDirectory, "initdb"),
            "--pgdata", Path.Combine(folder, PostgresServer.DataFolder),
            "--username", PostgresServer.Superuser,
            "--auth", "trust",
            "--encoding", "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        ]), InitTimeout, workingDirectory: folder);
        await ServerProcess.RunAsync(ServerProcess.AsUser(PostgresServer.OsUser,
            ["mkdir", "-m", "0700", Path.Combine(folder, PostgresServer.SocketFolder)]), CopyTimeout);
        return folder;
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run is ending; a template left in the temp directory costs disk space, nothing else.
        }
    }
}
