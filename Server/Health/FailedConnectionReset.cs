using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SignalRTicker.Server.Health;

/// <summary>
/// A SQLite connection opened while its file could not be written is opened read-only, and stays read-only after the
/// file recovers; returned to the pool it would fail every write that borrows it. A command that fails to write
/// empties the pool instead, so the next request opens a connection that sees the database as it is now.
/// </summary>
internal sealed class FailedConnectionReset : DbCommandInterceptor
{
    private const int ReadOnly = 8;
    private const int IoError = 10;

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Reset(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset(command, eventData.Exception);
        return Task.CompletedTask;
    }

    internal static void Reset(DbCommand command, Exception failure)
    {
        if (failure is SqliteException { SqliteErrorCode: ReadOnly or IoError } && command.Connection is SqliteConnection connection)
        {
            SqliteConnection.ClearPool(connection);
        }
    }
}
