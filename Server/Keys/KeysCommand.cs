using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Keys;

/// <summary>
/// <c>keys create|list|revoke</c>: key management for operators without a token, on the configured database. Runs
/// instead of the web server and exits.
/// </summary>
public static class KeysCommand
{
    public const string Name = "keys";

    /// <summary>False when the arguments are not a keys command, so the web server should run.</summary>
    public static async Task<bool> TryRunAsync(string[] args, WebApplicationBuilder builder)
    {
        if (args is not [Name, ..])
        {
            return false;
        }

        // Only the key store is needed; the web host is built, never started. Its output is the command's answer, so
        // the server's informational log lines stay out of it.
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        await using var app = builder.Build();
        Environment.ExitCode = await RunAsync(args[1..], app.Services, Console.Out, Console.Error, CancellationToken.None);
        return true;
    }

    /// <summary>Runs the arguments after <c>keys</c>; 0 done, 1 bad arguments, 2 no such key.</summary>
    internal static Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        Build(services, output, error).Parse(args).InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // A bad database setting reaches the start-up check, which names it in one line.
            EnableDefaultExceptionHandler = false,
        }, cancellationToken);

    private static Command Build(IServiceProvider services, TextWriter output, TextWriter error)
    {
        var name = new Option<string?>("--name") { Description = "Who or what the key is for.", HelpName = "name" };
        var role = new Option<string?>("--role") { Description = "What the key may do.", HelpName = string.Join('|', Roles.All) };
        var symbols = new Option<string[]>("--symbols")
        {
            Description = "Entitled symbols, comma-separated (BTC-USD,ETH-USD), or '*' for every symbol.",
            HelpName = "list",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = SplitCommas,
        };
        var create = new Command("create", "Creates a key and prints it once: store it safely, it cannot be shown again.") { name, role, symbols };
        create.SetAction((parsed, cancellationToken) => CreateAsync(
            services, output, error, parsed.GetValue(name), parsed.GetValue(role), parsed.GetValue(symbols) ?? [], cancellationToken));

        var list = new Command("list", "Lists every key, revoked ones included; never the key itself.");
        list.SetAction((_, cancellationToken) => ListAsync(services, output, cancellationToken));

        var id = new Argument<Guid>("id") { Description = "The key's id, as 'keys list' shows it." };
        var revoke = new Command("revoke", "Revokes a key and every token issued from it; a running server closes their connections within its sweep interval.") { id };
        revoke.SetAction((parsed, cancellationToken) => RevokeAsync(services, output, error, parsed.GetValue(id), cancellationToken));

        var updateId = new Argument<Guid>("id") { Description = "The key's id, as 'keys list' shows it." };
        var update = new Command(
            "update",
            "Changes a key's name, symbols or role; a running server applies it to the key's live connections within Keys:SweepInterval. A role change revokes the key's tokens.")
        {
            updateId, name, role, symbols,
        };
        update.SetAction((parsed, cancellationToken) => UpdateAsync(
            services, output, error, parsed.GetValue(updateId), parsed.GetValue(name), parsed.GetValue(role), parsed.GetValue(symbols), cancellationToken));

        // Not a root command (the server is), so help is added here, for every verb.
        return new Command(Name,
            $"Manages API keys on the configured database ({DatabaseOptions.ProviderKey} and {DatabaseOptions.ConnectionStringKey}; " +
            "by default the SQLite file data/ticker.db), without a running server.")
        {
            Options = { new HelpOption { Recursive = true } },
            Subcommands = { create, list, update, revoke },
        };
    }

    private static async Task<int> CreateAsync(
        IServiceProvider services, TextWriter output, TextWriter error, string? name, string? role, string[] symbols, CancellationToken cancellationToken)
    {
        await using var scope = await OpenAsync(services, cancellationToken);
        var instruments = scope.ServiceProvider.GetRequiredService<IInstrumentCatalog>();
        if (ApiKeyRules.Validate(name, role, symbols, instruments, out var normalised) is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                await error.WriteLineAsync($"--{field}: {string.Join(' ', messages)}");
            }

            return 1;
        }

        var (key, secret) = await scope.ServiceProvider.GetRequiredService<ApiKeyStore>()
            .CreateAsync(name!.Trim(), role!, normalised, cancellationToken);
        await output.WriteLineAsync($"Created key {key.Id} ({key.Role}, [{string.Join(',', key.Symbols)}]) for '{key.Name}'.");
        await output.WriteLineAsync($"API key (shown once): {secret}");
        return 0;
    }

    private static async Task<int> ListAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        await using var scope = await OpenAsync(services, cancellationToken);
        foreach (var key in await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().ListAsync(cancellationToken))
        {
            await output.WriteLineAsync(
                $"{key.Id}  {key.Role,-9}  {(key.IsRevoked ? "revoked" : "active"),-7}  {key.Name}  [{string.Join(',', key.Symbols)}]  " +
                $"created {key.CreatedAt:u}  last used {(key.LastUsedAt is { } used ? used.ToString("u") : "never")}");
        }

        return 0;
    }

    private static async Task<int> UpdateAsync(
        IServiceProvider services, TextWriter output, TextWriter error, Guid id, string? name, string? role, string[]? symbols, CancellationToken cancellationToken)
    {
        if (name is null && role is null && symbols is null)
        {
            await error.WriteLineAsync("Give at least one of --name, --symbols and --role.");
            return 1;
        }

        await using var scope = await OpenAsync(services, cancellationToken);
        var store = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        if (await store.FindAsync(id, cancellationToken) is not { } key)
        {
            await error.WriteLineAsync($"There is no key with id {id}; 'keys list' shows the keys.");
            return 2;
        }

        var instruments = scope.ServiceProvider.GetRequiredService<IInstrumentCatalog>();
        if (ApiKeyRules.Validate(name ?? key.Name, role ?? key.Role, symbols ?? [ApiKeyRules.AllSymbols], instruments, out var normalised) is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                await error.WriteLineAsync($"--{field}: {string.Join(' ', messages)}");
            }

            return 1;
        }

        var updated = (await store.UpdateAsync(id, name?.Trim(), symbols is null ? null : normalised, role, cancellationToken))!;
        if (updated.Role != key.Role)
        {
            // Straight to the database, like revoke: the running server closes the connections within its sweep interval.
            await scope.ServiceProvider.GetRequiredService<TokenStore>().RevokeAllOfKeyAsync(id, cancellationToken);
        }

        await output.WriteLineAsync(
            $"Updated key {id}: {updated.Role}, [{string.Join(',', updated.Symbols)}], '{updated.Name}'" +
            (updated.Role != key.Role ? "; its tokens are revoked." : "."));
        return 0;
    }

    private static async Task<int> RevokeAsync(IServiceProvider services, TextWriter output, TextWriter error, Guid id, CancellationToken cancellationToken)
    {
        await using var scope = await OpenAsync(services, cancellationToken);

        // Straight to the database: the running server picks the revocation up within Revocation:SweepInterval and
        // closes the key's connections. (This process has no connections, and needs no signing key.)
        if (!await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().RevokeAsync(id, cancellationToken))
        {
            await error.WriteLineAsync($"There is no key with id {id}; 'keys list' shows the keys.");
            return 2;
        }

        await scope.ServiceProvider.GetRequiredService<TokenStore>().RevokeAllOfKeyAsync(id, cancellationToken);
        await output.WriteLineAsync($"Revoked key {id} and every token issued from it; a running server closes its connections within seconds.");
        return 0;
    }

    private static async Task<AsyncServiceScope> OpenAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.PrepareStorageAsync(cancellationToken);
        // The instruments a key may name: the stored ones and the configured ones, as a starting server would have them.
        foreach (var loader in services.GetServices<IInstrumentLoader>())
        {
            await loader.LoadAsync(cancellationToken);
        }

        return services.CreateAsyncScope();
    }

    private static string[] SplitCommas(ArgumentResult result) =>
        [.. result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}
