using Microsoft.Extensions.Options;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Tests.Metrics;

/// <summary>
/// <c>Metrics:Port</c> and <c>Metrics:Host</c> are checked at start. Serving on that port is tested on the server
/// process (<see cref="Startup.ProductionProcessTests"/>): the test host's Kestrel is given its addresses in code.
/// </summary>
public sealed class MetricsSettingsTests
{
    [Theory]
    [InlineData("Metrics:Port", "70000", "Metrics:Port must be between 1 and 65535")]
    [InlineData("Metrics:Host", "metrics.internal", "Metrics:Host ('metrics.internal') must be an IP address")]
    public async Task BadMetricsSetting_RefusesToStartNamingTheKey(string key, string value, string message)
    {
        await using var app = new TickerAppFactory();
        app.Settings["Metrics:Port"] = "9090";
        app.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(message, StartupChecks.Describe(error));
    }
}
