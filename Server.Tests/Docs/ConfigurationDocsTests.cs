using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using SignalRTicker.Server.Cluster;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// docs/configuration.md against the code: every key of every options class bound from configuration has a row, with
/// the class's default and the bounds it validates against; the keys read directly have rows; and every row names a
/// key the server reads, so a renamed or removed setting cannot linger in the docs.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    /// <summary>Keys read without an options class of ours (connection strings, the provider switch that clustering checks first).</summary>
    private static readonly string[] PlainKeys =
    [
        DatabaseOptions.ConnectionStringKey,
        DatabaseOptions.ProviderKey,
        "ConnectionStrings:" + ClusterOptions.RedisConnectionStringName,
    ];

    /// <summary>
    /// Keys documented for the production work of issue 17, bound through the framework's own options
    /// (ForwardedHeadersOptions) or by options classes that land with it.
    /// </summary>
    private static readonly string[] ProductionKeys =
    [
        "ForwardedHeaders:KnownProxies",
        "ForwardedHeaders:KnownNetworks",
        "Metrics:Port",
        "Shutdown:DrainSeconds",
        "OpenApi:Enabled",
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> Rows = new(ReadRows);

    public static TheoryData<string> BoundKeys() => [.. Settings().Select(setting => setting.Key)];

    [Fact]
    public void TheOptionsClasses_AreFound()
    {
        // A reflection that found nothing would pass every theory below.
        var sections = Settings().Select(s => s.Key.Split(':')[0]).Distinct().ToList();
        Assert.Superset(new HashSet<string> { "Auth", "Ticker", "Delivery", "RateLimits", "Cors", "Cluster", "Feeds", "Keys", "Revocation", "Database" }, sections.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(BoundKeys))]
    public void EveryBoundKey_HasARow_WithItsDefaultAndBounds(string key)
    {
        var setting = Settings().Single(s => s.Key == key);
        var cells = Row(key);

        if (Format(setting.Default) is { } value)
        {
            Assert.True(cells[1].Contains($"`{value}`", StringComparison.Ordinal),
                $"docs/configuration.md: the default of `{key}` is `{value}`, but the row says: {cells[1]}");
        }

        foreach (var attribute in setting.Property.GetCustomAttributes<ValidationAttribute>())
        {
            Assert.False(string.IsNullOrWhiteSpace(cells[2]), $"docs/configuration.md: `{key}` is validated, but its row says nothing of it.");
            if (attribute is RangeAttribute range)
            {
                foreach (var bound in new[] { range.Minimum, range.Maximum })
                {
                    var text = Convert.ToString(bound, CultureInfo.InvariantCulture)!;
                    Assert.True(cells[2].Contains(text, StringComparison.Ordinal),
                        $"docs/configuration.md: `{key}` must be between {range.Minimum} and {range.Maximum}, but its row says: {cells[2]}");
                }
            }
        }
    }

    [Fact]
    public void TheKeysReadDirectly_HaveRows()
    {
        foreach (var key in PlainKeys.Concat(ProductionKeys))
        {
            Assert.NotEmpty(Row(key)[0]);
        }
    }

    [Fact]
    public void EveryRow_NamesAKeyTheServerReads()
    {
        var known = Settings().Select(s => s.Key).Concat(PlainKeys).Concat(ProductionKeys).ToHashSet(StringComparer.Ordinal);
        var unknown = Rows.Value.Keys.Where(key => !known.Contains(key)).ToList();
        Assert.True(unknown.Count == 0, "docs/configuration.md documents keys nothing reads: " + string.Join(", ", unknown));
    }

    /// <summary>Every settable property of every class with a <c>SectionName</c>, as <c>Section:Property</c> with its default.</summary>
    private static IEnumerable<(string Key, PropertyInfo Property, object? Default)> Settings()
    {
        var optionsTypes = typeof(DatabaseOptions).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false }
                           && type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });
        foreach (var type in optionsTypes)
        {
            var section = (string)type.GetField("SectionName")!.GetRawConstantValue()!;
            var defaults = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is not { IsPublic: true })
                {
                    continue;
                }

                // The connection string is bound from ConnectionStrings:Ticker, not from the Database section.
                var key = type == typeof(DatabaseOptions) && property.Name == nameof(DatabaseOptions.ConnectionString)
                    ? DatabaseOptions.ConnectionStringKey
                    : $"{section}:{property.Name}";
                yield return (key, property, property.GetValue(defaults));
            }
        }
    }

    /// <summary>A default as the docs write it; null when there is none to show (unset, or an empty list).</summary>
    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text.Length == 0 ? null : text,
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.Ticks % TimeSpan.TicksPerSecond == 0
            ? span.ToString("c", CultureInfo.InvariantCulture)
            : span.ToString("c", CultureInfo.InvariantCulture).TrimEnd('0'),
        IEnumerable list when !list.GetEnumerator().MoveNext() => null,
        IEnumerable => throw new InvalidOperationException("A list with a default: teach this test how the docs write it."),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>The cells after the key of the row that documents <paramref name="key"/>: meaning, default, validation.</summary>
    private static string[] Row(string key)
    {
        Assert.True(Rows.Value.TryGetValue(key, out var cells), $"docs/configuration.md has no row for `{key}`.");
        return cells!;
    }

    private static Dictionary<string, string[]> ReadRows()
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (Match row in KeyRow().Matches(MarkdownFile.Read("docs/configuration.md").Prose))
        {
            var cells = row.Groups["cells"].Value.Split('|').Select(cell => cell.Trim()).ToArray();
            Assert.True(cells.Length == 3, $"docs/configuration.md: the row of `{row.Groups["key"].Value}` needs key, meaning, default and validation.");
            Assert.True(rows.TryAdd(row.Groups["key"].Value, cells), $"docs/configuration.md: `{row.Groups["key"].Value}` has two rows.");
        }

        return rows;
    }

    /// <summary>A table row whose first cell is one key in backticks.</summary>
    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+(?::[A-Za-z]+)+)` \|(?<cells>.*)\|$", RegexOptions.Multiline)]
    private static partial Regex KeyRow();
}
