using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Revocation;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Admin;

/// <summary><c>/api/admin/keys</c>: create (the key shown once), list, get, revoke; the tokens issued from a key.</summary>
internal static class KeyAdminEndpoints
{
    public static RouteGroupBuilder MapKeyAdmin(this RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("/keys");
        keys.MapPost("/", Create)
            .WithSummary("Create a key (its secret is shown once, here)")
            .Accepts<CreateKeyRequest>("application/json")
            .ProducesValidationProblem();
        keys.MapGet("/", List)
            .WithSummary("List every key, revoked ones included (never the secret)");
        keys.MapGet("/{id}", Get)
            .WithSummary("One key")
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapGet("/{id}/tokens", Tokens)
            .WithSummary("The unexpired tokens issued from a key")
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapDelete("/{id}", Revoke)
            .WithSummary("Revoke a key and every token issued from it")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ValidationProblem>> Create(
        CreateKeyRequest request, ApiKeyStore store, IInstrumentCatalog instruments, CancellationToken cancellationToken)
    {
        if (ApiKeyRules.Validate(request.Name, request.Role, request.Symbols, instruments, out var symbols) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The key request is not valid");
        }

        var (key, secret) = await store.CreateAsync(request.Name!.Trim(), request.Role!, symbols, cancellationToken);
        return TypedResults.Created($"{AdminEndpoints.Path}/keys/{key.Id}", new CreatedKeyResponse(key.Id, key.Name, key.Role, key.Symbols, secret));
    }

    private static async Task<Ok<KeySummary[]>> List(ApiKeyStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<KeySummary[]>([.. (await store.ListAsync(cancellationToken)).Select(Summarise)]);

    private static async Task<Results<Ok<KeySummary>, ProblemHttpResult>> Get(string id, ApiKeyStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var keyId) && await store.FindAsync(keyId, cancellationToken) is { } key
            ? TypedResults.Ok(Summarise(key))
            : NoSuchKey(id);

    /// <summary>The unexpired tokens issued from a key (expired ones are purged).</summary>
    private static async Task<Results<Ok<TokenSummary[]>, ProblemHttpResult>> Tokens(
        string id, ApiKeyStore keys, TokenStore tokens, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var keyId) || await keys.FindAsync(keyId, cancellationToken) is null)
        {
            return NoSuchKey(id);
        }

        return TypedResults.Ok<TokenSummary[]>([.. (await tokens.ListOfKeyAsync(keyId, cancellationToken))
            .Select(t => new TokenSummary(t.Id, t.ClientIp, t.UserAgent, t.IssuedAt, t.ExpiresAt, t.RevokedAt is not null))]);
    }

    /// <summary>204 once recorded; 503 when in effect but not recorded yet (repeat to confirm); 404 for no such key.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string id, Revoker revoker, HttpContext http, CancellationToken cancellationToken) =>
        !Guid.TryParse(id, out var keyId) ? NoSuchKey(id) : await revoker.RevokeKeyAsync(keyId, cancellationToken) switch
        {
            RevocationResult.Recorded => TypedResults.NoContent(),
            RevocationResult.NotRecorded => RevocationEndpoints.NotRecorded(http, "key"),
            _ => NoSuchKey(id),
        };

    private static ProblemHttpResult NoSuchKey(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such key",
        detail: (Guid.TryParse(id, out var keyId) ? $"There is no key with id {keyId}." : "That is not a key id; ids are GUIDs.")
            + $" GET {AdminEndpoints.Path}/keys lists the keys.");

    internal static KeySummary Summarise(ApiKey key) =>
        new(key.Id, key.Name, key.Role, key.Symbols, key.CreatedAt, key.LastUsedAt, key.IsRevoked);
}
