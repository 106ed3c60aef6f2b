using Microsoft.EntityFrameworkCore;

namespace SignalRTicker.Server.Keys;

/// <summary>
/// <c>keys create|list|revoke</c>: key management for operators without a token, on the configured database. Runs
/// instead of the web server and exits.
/// </summary>
public static class KeysCommand
{
    private const string Usage = """
        Usage:
          keys create --name NAME --role user|admin --symbols SYMBOL[,SYMBOL...]   (--symbols '*' for every symbol)
          keys list
          keys revoke ID

        Works on the database named by ConnectionStrings:Ticker (default data/ticker.db). The created key is
        printed once; store it safely, it cannot be shown again.
        """;

    /// <summary>False when the arguments are not a keys command, so the web server should run.</summary>
    public static async Task<bool> TryRunAsync(string[] args, WebApplicationBuilder builder)
    {
        if (args.Length == 0 || args[0] != "keys")
        {
            return false;
        }

        // Only the key store is needed; the web host is built, never started.
        await using var app = builder.Build();
        Environment.ExitCode = await RunAsync(args[1..], app.Services, Console.Out, Console.Error, CancellationToken.None);
        return true;
    }

    internal static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var verb = args.FirstOrDefault();
        if (verb is null or "-h" or "--help" or "help")
        {
            await (verb is null ? error : output).WriteLineAsync(Usage);
            return verb is null ? 1 : 0;
        }

        await using var scope = services.CreateAsyncScope();
        var dataFolder = scope.ServiceProvider.GetRequiredService<DataFolder>();
        Directory.CreateDirectory(dataFolder.Path);
        await scope.ServiceProvider.GetRequiredService<KeyStoreDbContext>().Database.MigrateAsync(cancellationToken);
        var store = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();

        switch (verb)
        {
            case "create":
                return await CreateAsync(args[1..], store, output, error, cancellationToken);
            case "list":
                foreach (var key in await store.ListAsync(cancellationToken))
                {
                    await output.WriteLineAsync(
                        $"{key.Id}  {key.Role,-5}  {(key.IsRevoked ? "revoked" : "active"),-7}  {key.Name}  [{string.Join(',', key.Symbols)}]  " +
                        $"created {key.CreatedAt:u}  last used {(key.LastUsedAt is { } used ? used.ToString("u") : "never")}");
                }

                return 0;
            case "revoke" when args.Length == 2 && Guid.TryParse(args[1], out var id):
                // Straight to the database: the running server picks the revocation up within Revocation:SweepInterval
                // and closes the key's connections. (This process has no connections, and needs no signing key.)
                if (!await store.RevokeAsync(id, cancellationToken))
                {
                    await error.WriteLineAsync($"There is no key with id {id}; 'keys list' shows the keys.");
                    return 2;
                }

                await scope.ServiceProvider.GetRequiredService<TokenStore>().RevokeAllOfKeyAsync(id, cancellationToken);
                await output.WriteLineAsync($"Revoked key {id} and every token issued from it; a running server closes its connections within seconds.");
                return 0;
            case "revoke":
                await error.WriteLineAsync("Usage: keys revoke ID   (the id from 'keys list')");
                return 1;
            default:
                await error.WriteLineAsync($"Unknown keys command '{verb}'.\n{Usage}");
                return 1;
        }
    }

    private static async Task<int> CreateAsync(string[] args, ApiKeyStore store, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? name = null, role = null;
        var symbols = new List<string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--name" when value is not null:
                    name = value;
                    i++;
                    break;
                case "--role" when value is not null:
                    role = value;
                    i++;
                    break;
                case "--symbols" when value is not null:
                    symbols.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    i++;
                    break;
                default:
                    await error.WriteLineAsync($"Unexpected argument '{args[i]}'.\n{Usage}");
                    return 1;
            }
        }

        if (ApiKeyRules.Validate(name, role, symbols, out var normalised) is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                await error.WriteLineAsync($"--{field}: {string.Join(' ', messages)}");
            }

            return 1;
        }

        var (key, secret) = await store.CreateAsync(name!.Trim(), role!, normalised, cancellationToken);
        await output.WriteLineAsync($"Created key {key.Id} ({key.Role}, [{string.Join(',', key.Symbols)}]) for '{key.Name}'.");
        await output.WriteLineAsync($"API key (shown once): {secret}");
        return 0;
    }
}
