namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// What every server fixture shares: a folder and a free loopback port of its own, a program started there and
/// stopped by its PID, and a restart on the same port after a kill (to play an outage and its recovery). Subclasses
/// say how to start their program and when it is ready. Use one as an xunit class or collection fixture, or start one
/// in a test with the subclass's StartAsync.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Needs _program;
    private string? _folder;
    private int _port;
    private ServerProcess? _process;

    protected ServerFixture(Needs program) => _program = program;

    /// <summary>The loopback port, the same across restarts.</summary>
    public int Port => _port != 0 ? _port : throw ServerPrograms.NotRunning(_program);

    /// <summary>The PID of the server (a new one after each restart); any process it forks is its child.</summary>
    public int ProcessId => Running.Id;

    public string Folder => _folder ?? throw ServerPrograms.NotRunning(_program);

    /// <summary>The last lines the server logged, for a failing test's message.</summary>
    public string LogTail() => Running.LogTail();

    /// <summary>The signal (a kill(1) name) that ends the server at once, as a crash would; KILL ends its children too.</summary>
    protected abstract string KillSignal { get; }

    /// <summary>The signal that ends the server when the fixture is disposed.</summary>
    protected abstract string StopSignal { get; }

    /// <summary>The OS user that must own the folder when the tests run as root; null keeps root's.</summary>
    protected virtual string? FolderOwner => null;

    protected ServerProcess Running => _process ?? throw ServerPrograms.NotRunning(_program);

    public async Task InitializeAsync()
    {
        if (!ServerPrograms.IsInstalled(_program))
        {
            // Skipped tests never touch the server; a run that requires it fails on first use with the install command.
            return;
        }

        _folder = await FixtureFolder.CreateAsync(_program.ToString().ToLowerInvariant(), FolderOwner);
        _port = FreePort.Next();
        try
        {
            await PrepareAsync(_folder);
            await RestartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again on the same port and folder (after <see cref="KillAsync"/>); kills it first if it still runs.</summary>
    public async Task RestartAsync()
    {
        var folder = Folder;
        await EndAsync(KillSignal);
        _process = Start(folder);
        await WaitUntilReadyAsync(_process);
    }

    /// <summary>Ends the server at once, as a crash or an outage would; <see cref="RestartAsync"/> brings it back.</summary>
    public Task KillAsync() => Running.StopAsync(KillSignal, StopGrace);

    public async Task DisposeAsync()
    {
        await EndAsync(StopSignal);
        if (_folder is { } folder)
        {
            _folder = null;
            await FixtureFolder.DeleteAsync(folder);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Fills the new folder before the first start (data, configuration).</summary>
    protected virtual Task PrepareAsync(string folder) => Task.CompletedTask;

    /// <summary>Starts the program in <paramref name="folder"/> on <see cref="Port"/>.</summary>
    protected abstract ServerProcess Start(string folder);

    /// <summary>Returns once the program serves requests; throws (with its log's tail) when it exits or overruns.</summary>
    protected abstract Task WaitUntilReadyAsync(ServerProcess process);

    /// <summary>Starts a fixture in a test body; fails with the install command when its program is missing.</summary>
    protected static async Task<T> LaunchAsync<T>(T fixture)
        where T : ServerFixture
    {
        ServerPrograms.EnsureInstalled(fixture._program);
        await fixture.InitializeAsync();
        return fixture;
    }

    private async Task EndAsync(string signal)
    {
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync(signal, StopGrace);
            await process.DisposeAsync();
        }
    }
}
