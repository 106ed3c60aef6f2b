namespace SignalRTicker.Server.Auth;

/// <summary>
/// The signing keys of the <c>Auth</c> section, watched for reloads. Deliberately without validators: a validator
/// would throw inside the configuration reload callback; <see cref="SigningKeys"/> checks reloaded keys instead, and
/// <see cref="AuthOptions"/> validates them at start.
/// </summary>
public sealed class SigningKeyOptions
{
    public string? SigningKey { get; set; }

    public List<string?> PreviousSigningKeys { get; set; } = [];
}
