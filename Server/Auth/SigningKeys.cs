using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// The HMAC keys tokens are signed and validated with, each named by a <c>kid</c> derived from the key. Tokens are
/// signed with <c>Auth:SigningKey</c>; <c>Auth:PreviousSigningKeys</c> are still accepted. Both are read from
/// reloadable configuration, so a key can be rotated in and retired without a restart.
/// </summary>
public sealed class SigningKeys(IOptionsMonitor<SigningKeyOptions> monitor, IOptions<AuthOptions> startup, ILogger<SigningKeys> logger)
{
    private readonly Lock _gate = new();
    private KeySet? _keys;

    private sealed record KeySet(SigningKeyOptions Source, SymmetricSecurityKey Current, SecurityKey[] Validation);

    public SigningCredentials SigningCredentials => new(Keys.Current, SecurityAlgorithms.HmacSha256);

    public IEnumerable<SecurityKey> ValidationKeys => Keys.Validation;

    private KeySet Keys
    {
        get
        {
            var source = monitor.CurrentValue;
            var keys = _keys;
            if (keys is not null && ReferenceEquals(keys.Source, source))
            {
                return keys;
            }

            lock (_gate)
            {
                if (_keys is not null && ReferenceEquals(_keys.Source, source))
                {
                    return _keys;
                }

                // Start-up validated AuthOptions (and filled the Development key); a reload is checked here, and a bad
                // edit keeps the last good keys rather than taking signing down.
                var signingKey = string.IsNullOrWhiteSpace(source.SigningKey) ? startup.Value.SigningKey : source.SigningKey;
                var all = new[] { signingKey }.Concat(source.PreviousSigningKeys).Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
                if (_keys is not null && all.Any(k => TryDecode(k) is not { Length: >= AuthOptionsSetup.MinimumKeyBytes }))
                {
                    AuthLog.SigningKeysNotReloaded(logger, $"every key in Auth:SigningKey and Auth:PreviousSigningKeys must be base64 of at least {AuthOptionsSetup.MinimumKeyBytes} bytes");
                    _keys = _keys with { Source = source };
                    return _keys;
                }

                var created = all.Select(k => Create(k!)).DistinctBy(k => k.KeyId).ToArray();
                _keys = new KeySet(source, created[0], created);
                AuthLog.SigningKeysLoaded(logger, created[0].KeyId, created.Length - 1);
                return _keys;
            }
        }
    }

    public static byte[]? TryDecode(string? base64)
    {
        var buffer = new byte[((base64?.Length ?? 0) * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64 ?? "", buffer, out var written) ? buffer[..written] : null;
    }

    private static SymmetricSecurityKey Create(string base64)
    {
        var bytes = TryDecode(base64) ?? throw new InvalidOperationException("Auth:SigningKey is not valid base64.");
        return new SymmetricSecurityKey(bytes) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(bytes)[..8]) };
    }
}
