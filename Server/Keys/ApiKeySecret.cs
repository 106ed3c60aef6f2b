using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SignalRTicker.Server.Keys;

/// <summary>Makes and hashes API key secrets. A generated key is 256 random bits, so a plain SHA-256 is enough.</summary>
public static class ApiKeySecret
{
    public const string Prefix = "stk_";

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string HashPrefix(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, 8));

    public static bool Matches(byte[] storedHash, byte[] presentedHash) =>
        CryptographicOperations.FixedTimeEquals(storedHash, presentedHash);
}
