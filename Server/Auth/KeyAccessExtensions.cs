using System.Security.Claims;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Auth;

public static class KeyAccessExtensions
{
    /// <summary>
    /// What the caller's key may do now (not what its token said when issued); null for a caller without a key, or
    /// one whose key no longer exists.
    /// </summary>
    public static async ValueTask<KeyAccess?> AccessAsync(this KeyAccessCache keys, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Guid.TryParse(user.KeyId(), out var keyId) ? await keys.GetAsync(keyId, cancellationToken) : null;
}
