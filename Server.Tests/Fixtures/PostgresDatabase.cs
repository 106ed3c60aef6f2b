namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>A database a test made for itself in a <see cref="PostgresServer"/>, and the Npgsql connection string to it.</summary>
public sealed record PostgresDatabase(string Name, string ConnectionString);
