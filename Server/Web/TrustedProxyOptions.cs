using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SignalRTicker.Server.Web;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
/// are believed. Empty (the default) believes no one, so a client cannot pick the address its rate limits count under.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Proxy addresses, such as <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public bool IsEnabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public IEnumerable<IPAddress> Proxies => KnownProxies.Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks => KnownNetworks.Select(network => IPNetwork.Parse(network));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownProxies)}:{i} ('{KnownProxies[i]}') is not an IP address: use one such as 10.0.0.5 or ::1.");
            }
        }

        for (var i = 0; i < KnownNetworks.Length; i++)
        {
            if (!IsNetwork(KnownNetworks[i]))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownNetworks)}:{i} ('{KnownNetworks[i]}') is not a network: use CIDR notation such as " +
                    "10.0.0.0/24 or fd00::/8, with no address bits set after the prefix length.");
            }
        }
    }

    /// <summary>A CIDR whose address is the network's own: <c>10.0.0.1/8</c> is more likely a proxy's address with a typo than 10.0.0.0/8.</summary>
    private static bool IsNetwork(string value) =>
        IPNetwork.TryParse(value, out var network)
        && IPAddress.TryParse(value[..value.IndexOf('/', StringComparison.Ordinal)], out var address)
        && address.Equals(network.BaseAddress);
}
