using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Health;

/// <summary>
/// Whether the database takes a write, on a fresh connection: with SQLite a transaction that rewrites the header's
/// user version with its own value (a real write, through the journal, that changes nothing); with PostgreSQL a
/// transaction that is given a transaction id and commits (a commit record in the write-ahead log, no table touched)
/// and is not read-only (a server in recovery, or one set read-only as managed servers are when their disk fills).
/// A load balancer probes often, so the answer is kept for <see cref="CacheFor"/> and one probe runs at a time.
/// </summary>
internal sealed class DatabaseWriteProbe(TickerDatabase database, TimeProvider time, ILogger<DatabaseWriteProbe> logger) : IHealthCheck, IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int PostgresTimeoutSeconds = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Probed? _last;

    private sealed record Probed(HealthCheckResult Result, long Stamp);

    public void Dispose() => _gate.Dispose();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } probedMeanwhile)
            {
                return probedMeanwhile;
            }

            var result = await ProbeAsync(cancellationToken);
            var before = _last?.Result.Status ?? HealthStatus.Healthy;
            if (result.Status == HealthStatus.Healthy && before == HealthStatus.Unhealthy)
            {
                // Pooled connections from before the failure may be read-only (SQLite) or dead (a restarted PostgreSQL,
                // each found only when next used); start afresh now that the database is back.
                ClearPools();
                HealthLog.DatabaseWritable(logger);
            }
            else if (result.Status == HealthStatus.Unhealthy && before == HealthStatus.Healthy)
            {
                HealthLog.DatabaseUnwritable(logger, result.Description ?? "");
            }

            Volatile.Write(ref _last, new Probed(result, time.GetTimestamp()));
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private HealthCheckResult? Fresh() =>
        Volatile.Read(ref _last) is { } last && time.GetElapsedTime(last.Stamp) < CacheFor ? last.Result : null;

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var readOnly = database.Provider switch
            {
                DatabaseProvider.Postgres => await WritePostgresAsync(cancellationToken),
                _ => await WriteSqliteAsync(cancellationToken),
            };
            return readOnly
                ? HealthCheckResult.Unhealthy("The database cannot be written: it is read-only.")
                : HealthCheckResult.Healthy("The database takes writes.");
        }
        catch (DbException failure)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be written: {failure.Message}");
        }
    }

    /// <returns>Always false: a read-only SQLite file fails the write instead.</returns>
    private async Task<bool> WriteSqliteAsync(CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        command.CommandText = $"PRAGMA user_version = {version}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return false;
    }

    /// <returns>Whether the server takes only reads.</returns>
    private async Task<bool> WritePostgresAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false };
        // A server that does not answer is unhealthy within a load balancer's patience, not after the default 15 s.
        // (0 is Npgsql's "wait forever".)
        builder.Timeout = builder.Timeout is > 0 and < PostgresTimeoutSeconds ? builder.Timeout : PostgresTimeoutSeconds;
        builder.CommandTimeout = builder.CommandTimeout is > 0 and < PostgresTimeoutSeconds ? builder.CommandTimeout : PostgresTimeoutSeconds;
        await using var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_current_xact_id(), current_setting('transaction_read_only') = 'on'", connection, transaction);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(1))
            {
                return true;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return false;
    }

    private void ClearPools()
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
