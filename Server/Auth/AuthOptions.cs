using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Auth;

/// <summary>The <c>Auth</c> section: how tokens are signed and validated.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Base64 HMAC key of at least 256 bits. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys (base64, at least 256 bits each) that tokens may still be signed with, while they expire after a rotation.
    /// Reloaded without a restart, like <see cref="SigningKey"/>; blank entries are ignored.
    /// </summary>
    public List<string?> PreviousSigningKeys { get; set; } = [];

    [Required(ErrorMessage = "Auth:Issuer must not be empty.")]
    public string Issuer { get; set; } = "signalr-ticker";

    [Required(ErrorMessage = "Auth:Audience must not be empty.")]
    public string Audience { get; set; } = "signalr-ticker";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Auth:TokenLifetime must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
