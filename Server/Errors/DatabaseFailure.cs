using System.Data.Common;

namespace SignalRTicker.Server.Errors;

/// <summary>
/// Recognises a failure of the database itself, however the data layer wrapped it (EF Core's DbUpdateException, or the
/// InvalidOperationException it raises for a transient failure): every provider's errors are a <see cref="DbException"/>,
/// SQLite's (read-only, locked, full) and Npgsql's alike (a server that refuses or drops connections, a timeout, a
/// read-only or shutting-down server).
/// </summary>
public static class DatabaseFailure
{
    /// <summary>The database's own exception in the chain, or null when the failure is something else.</summary>
    public static DbException? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException db)
            {
                return db;
            }
        }

        return null;
    }
}
