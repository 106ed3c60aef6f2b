using System.Data.Common;

namespace SignalRTicker.Server.Errors;

/// <summary>Recognises a failure of the database itself, however the data layer wrapped it.</summary>
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
