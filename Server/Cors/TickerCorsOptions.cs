using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Cors;

/// <summary>The <c>Cors</c> section: which other origins may call the API and the hub from a browser.</summary>
public sealed class TickerCorsOptions : IValidatableObject
{
    public const string SectionName = "Cors";

    /// <summary>
    /// Origins such as <c>https://dashboard.example.com</c>. Empty (the default) means same origin only. Credentials
    /// are never allowed: tokens travel in the <c>Authorization</c> header or the <c>access_token</c> query, not cookies.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedOrigins.Length; i++)
        {
            if (!IsOrigin(AllowedOrigins[i]))
            {
                yield return new ValidationResult(
                    $"Cors:AllowedOrigins:{i} ('{AllowedOrigins[i]}') is not an origin: use scheme, host and optional port, " +
                    "such as https://dashboard.example.com or http://localhost:3000, with no path or trailing slash.");
            }
        }
    }

    private static bool IsOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.Fragment)
        && !value.EndsWith('/');
}
