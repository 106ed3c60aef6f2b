namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>The server programs a test starts, so a missing one skips (or, in CI, fails) the test with its install command.</summary>
[Flags]
public enum Needs
{
    None = 0,
    Redis = 1,
    Postgres = 2,
    Nginx = 4,
}
