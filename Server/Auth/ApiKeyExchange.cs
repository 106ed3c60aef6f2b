namespace SignalRTicker.Server.Auth;

/// <summary>
/// Endpoint metadata: this endpoint trades an API key for a credential, so it is where keys get guessed. Auth says
/// which endpoints these are; the features above it decide what that means (RateLimits limits them per client).
/// </summary>
public sealed class ApiKeyExchange
{
    public static readonly ApiKeyExchange Instance = new();

    private ApiKeyExchange()
    {
    }
}
