using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>The HMAC key tokens are signed and validated with, named by a <c>kid</c> derived from the key.</summary>
public sealed class SigningKeys(IOptions<AuthOptions> options)
{
    private readonly SymmetricSecurityKey _current = Create(options.Value.SigningKey!);

    public SigningCredentials SigningCredentials => new(_current, SecurityAlgorithms.HmacSha256);

    public IEnumerable<SecurityKey> ValidationKeys => [_current];

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
