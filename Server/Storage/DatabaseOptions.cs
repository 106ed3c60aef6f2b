using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// The <c>Database</c> section: which provider holds the gateway's database. Its connection string is
/// <c>ConnectionStrings:Ticker</c>, read into <see cref="ConnectionString"/>.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Database";
    public const string ProviderKey = SectionName + ":" + nameof(Provider);
    public const string ConnectionStringName = "Ticker";
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    /// <summary><c>Sqlite</c> (the default) or <c>Postgres</c>, in any case. A string so a bad value is a named setting, not a binder error.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary><c>ConnectionStrings:Ticker</c>: a SQLite file (default <c>data/ticker.db</c>), or an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The provider named; call it after validation. (A method: validation reads every property.)</summary>
    public DatabaseProvider GetProvider() => Parse(Provider) ?? throw new InvalidOperationException($"{ProviderKey} was not validated.");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Parse(Provider) is not { } provider)
        {
            yield return new ValidationResult($"{ProviderKey} must be Sqlite or Postgres, not '{Provider}'.");
        }
        else if (provider == DatabaseProvider.Postgres && PostgresProblem(ConnectionString) is { } problem)
        {
            yield return new ValidationResult($"{ConnectionStringKey} {problem}, since {ProviderKey} is Postgres.");
        }
    }

    /// <summary>A provider's name in any case; not a number, nor a list (which Enum.TryParse would take).</summary>
    private static DatabaseProvider? Parse(string? provider)
    {
        foreach (var known in Enum.GetValues<DatabaseProvider>())
        {
            if (string.Equals(known.ToString(), provider?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>What is wrong with an Npgsql connection string, never quoting it: it may hold a password.</summary>
    private static string? PostgresProblem(string? connectionString)
    {
        const string Example = "such as 'Host=db.example.com;Database=ticker;Username=ticker;Password=...'";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"must be set to the PostgreSQL server's connection string, {Example}";
        }

        try
        {
            return string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host)
                ? $"must name the server's Host, {Example}"
                : null;
        }
        catch (ArgumentException bad)
        {
            return $"is not a PostgreSQL connection string {Example} ({bad.Message})";
        }
    }
}
