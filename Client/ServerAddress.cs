namespace SignalRTicker.Client;

/// <summary>The server's base address, checked and made safe to resolve relative paths against.</summary>
internal static class ServerAddress
{
    public static void Validate(Uri url, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(url, parameterName);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The server's address must be an absolute http:// or https:// URL; got '{url}'.", parameterName);
        }
    }

    /// <summary>Ends the path in '/': <c>http://host/ticker</c> + <c>api/auth/token</c> would otherwise lose <c>ticker</c>.</summary>
    public static Uri Normalize(Uri url) => url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
}
