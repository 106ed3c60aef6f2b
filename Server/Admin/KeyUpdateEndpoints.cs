using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Admin;

/// <summary>
/// <c>PATCH /api/admin/keys/{id}</c>: changes a key's name, symbols or role, and the change applies now. Every live
/// connection of the key leaves the symbols it may no longer see (on every node, through the control channel), and
/// tokens issued before the change grant no more than the key now allows. A role change revokes the key's tokens.
/// </summary>
internal static class KeyUpdateEndpoints
{
    public static RouteGroupBuilder MapKeyUpdate(this RouteGroupBuilder admin)
    {
        admin.MapPatch("/keys/{id}", UpdateAsync)
            .WithSummary("Change a key's name, symbols or role; live connections follow within a second")
            .Accepts<UpdateKeyRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static async Task<Results<Ok<KeySummary>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id,
        UpdateKeyRequest request,
        ApiKeyStore store,
        TokenStore tokens,
        Revoker revoker,
        IInstrumentCatalog instruments,
        IControlChannel control,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var keyId) || await store.FindAsync(keyId, cancellationToken) is not { } key)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key",
                detail: $"There is no key with id '{id}'. GET /api/admin/keys lists the keys.");
        }

        if (request.Name is null && request.Symbols is null && request.Role is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = ["Send at least one of name, symbols and role."] },
                title: "The change is not valid");
        }

        // Only what is sent is checked: the key's other fields stay as they are.
        var errors = ApiKeyRules.Validate(request.Name ?? key.Name, request.Role ?? key.Role, request.Symbols ?? [ApiKeyRules.AllSymbols], instruments, out var symbols);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The change is not valid");
        }

        var updated = await store.UpdateAsync(keyId, request.Name?.Trim(), request.Symbols is null ? null : symbols, request.Role, cancellationToken);
        if (updated is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key",
                detail: $"There is no key with id '{id}'. GET /api/admin/keys lists the keys.");
        }

        var roleChanged = updated.Role != key.Role;
        await control.PublishAsync(new KeyChanged(updated.Id, updated.Role, [.. updated.Symbols], updated.UpdatedAt!.Value, roleChanged), cancellationToken);
        if (roleChanged)
        {
            foreach (var token in await tokens.ListOfKeyAsync(keyId, cancellationToken))
            {
                if (token.RevokedAt is null)
                {
                    await revoker.RevokeTokenAsync(token.Id, keyId, token.ExpiresAt, cancellationToken);
                }
            }
        }

        return TypedResults.Ok(KeyAdminEndpoints.Summarise(updated));
    }
}
