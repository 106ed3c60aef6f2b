using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.OpenApi;

/// <summary>The <c>OpenApi</c> section: whether the API description and its interactive reference are served.</summary>
public sealed class TickerOpenApiOptions : IValidatableObject
{
    public const string SectionName = "OpenApi";

    public const string EnabledKey = SectionName + ":" + nameof(Enabled);

    /// <summary>
    /// <c>true</c> or <c>false</c>: serve <c>/openapi/v1.json</c> and <c>/docs</c>. Unset (the default), they are served
    /// in Development only: a production node does not advertise its surface unless its operator says so. Read as text
    /// so that a value that is not a boolean is refused at start with its key named, not thrown by the binder.
    /// </summary>
    public string? Enabled { get; set; }

    public bool IsEnabledIn(IHostEnvironment environment) =>
        bool.TryParse(Enabled, out var enabled) ? enabled : environment.IsDevelopment();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Enabled) && !bool.TryParse(Enabled, out _))
        {
            yield return new ValidationResult(
                $"{EnabledKey} ('{Enabled}') must be true or false; leave it unset to serve the API description in Development only.");
        }
    }
}
