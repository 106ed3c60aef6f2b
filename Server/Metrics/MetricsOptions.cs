using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SignalRTicker.Server.Metrics;

/// <summary>The <c>Metrics</c> section: where <c>/metrics</c> is served.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// A port of its own for <c>/metrics</c> (9090, say), served there alone and without a token: the operator binds it
    /// to a private interface (<see cref="Host"/>) or firewalls it. Unset (the default), <c>/metrics</c> is on the main
    /// port and needs an admin token outside Development.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Metrics:Port must be between 1 and 65535 (or unset, to serve /metrics on the main port).")]
    public int? Port { get; set; }

    /// <summary>The address the metrics port listens on: an IP address, <c>localhost</c>, or <c>*</c> for every interface.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The URL Kestrel listens on for metrics, when <see cref="Port"/> is set.</summary>
    public string Url => $"http://{(IPAddress.TryParse(Host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : Host)}:{Port}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Host is not ("*" or "localhost") && !IPAddress.TryParse(Host, out _))
        {
            yield return new ValidationResult(
                $"Metrics:Host ('{Host}') must be an IP address (a private interface's, such as 10.0.0.5), localhost, or * for every interface.");
        }
    }
}
