using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Keys;

public sealed record CreateKeyRequest(string? Name, string? Role, List<string?>? Symbols);

/// <summary>The only response that ever carries the key itself.</summary>
public sealed record CreatedKeyResponse(Guid Id, string Name, string Role, IReadOnlyList<string> Symbols, string ApiKey);

/// <summary>A key as listed: never the key or its hash.</summary>
public sealed record KeySummary(Guid Id, string Name, string Role, IReadOnlyList<string> Symbols, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

/// <summary>A token issued from a key: who got it and when; never the token itself.</summary>
public sealed record TokenSummary(string Id, string? ClientIp, string? UserAgent, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, bool Revoked);

public static class KeyAdminEndpoints
{
    public static IEndpointRouteBuilder MapKeyAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/keys")
            .WithTags("Admin")
            .RequireAuthorization(TickerPolicies.Admin);

        group.MapPost("/", Create)
            .Accepts<CreateKeyRequest>("application/json")
            .ProducesValidationProblem();
        group.MapGet("/", List);
        group.MapGet("/{id:guid}/tokens", Tokens);
        group.MapDelete("/{id:guid}", Revoke);

        app.MapDelete("/api/admin/tokens/{tokenId}", RevokeToken)
            .WithTags("Admin")
            .RequireAuthorization(TickerPolicies.Admin);
        return app;
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ValidationProblem>> Create(
        CreateKeyRequest request, ApiKeyStore store, CancellationToken cancellationToken)
    {
        if (ApiKeyRules.Validate(request.Name, request.Role, request.Symbols, out var symbols) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The key request is not valid");
        }

        var (key, secret) = await store.CreateAsync(request.Name!.Trim(), request.Role!, symbols, cancellationToken);
        return TypedResults.Created($"/api/admin/keys/{key.Id}", new CreatedKeyResponse(key.Id, key.Name, key.Role, key.Symbols, secret));
    }

    private static async Task<Ok<KeySummary[]>> List(ApiKeyStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<KeySummary[]>([.. (await store.ListAsync(cancellationToken)).Select(Summarise)]);

    /// <summary>The unexpired tokens issued from a key (expired ones are purged).</summary>
    private static async Task<Ok<TokenSummary[]>> Tokens(Guid id, TokenStore tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok<TokenSummary[]>([.. (await tokens.ListOfKeyAsync(id, cancellationToken))
            .Select(t => new TokenSummary(t.Id, t.ClientIp, t.UserAgent, t.IssuedAt, t.ExpiresAt, t.RevokedAt is not null))]);

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, Revoker revoker, CancellationToken cancellationToken)
    {
        if (!await revoker.RevokeKeyAsync(id, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such key",
                detail: $"There is no key with id {id}. GET /api/admin/keys lists the keys.");
        }

        return TypedResults.NoContent();
    }

    /// <summary>Revokes one token by its id (jti), as listed under its key; its hub connections close at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(
        string tokenId, TokenStore tokens, Revoker revoker, CancellationToken cancellationToken)
    {
        if (tokenId.Length > 64 || await tokens.FindAsync(tokenId, cancellationToken) is not { } token)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such token",
                detail: "There is no unexpired token with that id. GET /api/admin/keys/{id}/tokens lists a key's tokens.");
        }

        await revoker.RevokeTokenAsync(token.Id, token.KeyId, token.ExpiresAt, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static KeySummary Summarise(ApiKey key) =>
        new(key.Id, key.Name, key.Role, key.Symbols, key.CreatedAt, key.LastUsedAt, key.IsRevoked);
}
