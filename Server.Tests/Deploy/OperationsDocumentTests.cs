using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignalRTicker.Server.RateLimits;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Deploy;

/// <summary>
/// docs/operations.md stays true to the code: every instrument of the ticker's meters is described, and every event
/// id it tells operators to alert on exists with that name.
/// </summary>
public sealed partial class OperationsDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(Repository.Root, "docs", "operations.md"));

    [Fact]
    public async Task EveryTickerInstrument_IsDescribed()
    {
        await using var app = new TickerAppFactory();
        var names = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith(TickerMetrics.MeterName, StringComparison.Ordinal))
                {
                    lock (names)
                    {
                        names.Add(instrument.Name);
                    }
                }
            },
        };
        listener.Start();
        _ = app.Services.GetRequiredService<TickerMetrics>();
        _ = app.Services.GetRequiredService<AuthRefusals>();

        Assert.Contains("ticker.connections", names);
        Assert.All(names.Distinct(), name => Assert.True(Document.Contains($"(`{name}`)", StringComparison.Ordinal), $"docs/operations.md does not describe {name}"));
    }

    [Fact]
    public void EveryEventIdInTheAlertTable_ExistsWithThatName()
    {
        var events = typeof(MetricsExtensions).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToDictionary(attribute => attribute.EventId, attribute => attribute.EventName);

        var rows = AlertRow().Matches(Document);
        Assert.True(rows.Count > 20, "docs/operations.md's table of event ids was not found");
        foreach (Match row in rows)
        {
            var ids = row.Groups["ids"].Value.Split([',', '/'], StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
            var names = row.Groups["names"].Value.Split([',', '/'], StringSplitOptions.TrimEntries).ToList();
            Assert.Equal(ids.Count, names.Count);
            for (var i = 0; i < ids.Count; i++)
            {
                Assert.True(events.TryGetValue(ids[i], out var name) && name == names[i], $"docs/operations.md: event {ids[i]} is not {names[i]} in the code");
            }
        }
    }

    /// <summary>A row of the alert table: | 8002 / 8003 | RedisLost / RedisRestored | ….</summary>
    [GeneratedRegex(@"^\| (?<ids>\d+(?:\s*[,/]\s*\d+)*) \| (?<names>[A-Za-z]+(?:\s*[,/]\s*[A-Za-z]+)*) \|", RegexOptions.Multiline)]
    private static partial Regex AlertRow();
}
