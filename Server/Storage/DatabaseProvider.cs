namespace SignalRTicker.Server.Storage;

/// <summary>Where the gateway's database lives (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>A file in the data folder: embedded, for one node.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server that every node of a cluster shares.</summary>
    Postgres,
}
