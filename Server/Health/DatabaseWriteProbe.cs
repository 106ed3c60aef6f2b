using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Health;

/// <summary>
/// Whether the database takes a write: a transaction on a fresh connection that rewrites the header's user version
/// with its own value (a real write, through the journal, that changes nothing). A load balancer probes often, so
/// the answer is kept for <see cref="CacheFor"/> and one probe runs at a time.
/// </summary>
internal sealed class DatabaseWriteProbe(DataFolder dataFolder, TimeProvider time, ILogger<DatabaseWriteProbe> logger) : IHealthCheck, IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

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
                // Connections opened while the file was read-only stay read-only; start afresh now that it is not.
                SqliteConnection.ClearAllPools();
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
        var connectionString = new SqliteConnectionStringBuilder(dataFolder.ConnectionString) { Pooling = false }.ToString();
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA user_version = {version}";
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return HealthCheckResult.Healthy("The database takes writes.");
        }
        catch (SqliteException failure)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be written: {failure.Message}");
        }
    }
}
