using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Tests.Architecture;

/// <summary>
/// The server's feature folders depend on each other in one direction only, in the order docs/architecture.md gives:
/// a folder may use the folders listed before it, never one after it. Read from the source files' using directives.
/// </summary>
public sealed partial class FeatureLayeringTests
{
    /// <summary>Lowest first. Folders on one line do not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Settings", "Errors", "Control", "Web", "Cors", "Metrics"],
        ["Storage"],
        ["Instruments"],
        ["Keys"],
        ["Auth"],
        ["Revocation"],
        ["RateLimits"],
        ["Delivery"],
        ["Feeds"],
        ["Admin"],
        ["Ticker"],
        ["Shutdown"],
        ["Health"],
        ["Cluster"],
        ["OpenApi"],
    ];

    [Fact]
    public void EveryFeatureFolder_UsesOnlyTheFoldersBeforeIt()
    {
        var rank = Layers.SelectMany((layer, index) => layer.Select(folder => (folder, index))).ToDictionary(p => p.folder, p => p.index);
        var server = Path.Combine(Repository.Root, "Server");
        var wrong = new List<string>();
        var folders = Directory.GetDirectories(server).Select(Path.GetFileName).Where(name => name is not ("bin" or "obj" or "Properties" or "data")).ToList();
        foreach (var folder in folders)
        {
            Assert.True(rank.ContainsKey(folder!), $"Server/{folder} is not in the layer order; add it to this test and to docs/architecture.md");
        }

        foreach (var file in Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(server, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || !relative.Contains('/', StringComparison.Ordinal))
            {
                continue; // Program.cs composes everything
            }

            var folder = relative[..relative.IndexOf('/', StringComparison.Ordinal)];
            foreach (Match use in FeatureUsing().Matches(File.ReadAllText(file)))
            {
                var used = use.Groups[1].Value;
                if (used != folder && rank.TryGetValue(used, out var usedRank) && usedRank >= rank[folder])
                {
                    wrong.Add($"{relative} uses {used}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "Feature folders used against the layer order:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void TheArchitectureDocument_ListsTheSameOrder()
    {
        var document = File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md"));
        var positions = Layers.SelectMany(layer => layer).Select(folder => (folder, at: document.IndexOf($"`{folder}/`", StringComparison.Ordinal))).ToList();
        Assert.All(positions, p => Assert.True(p.at >= 0, $"docs/architecture.md does not name `{p.folder}/`"));
        var layerStarts = Layers.Select(layer => layer.Min(folder => positions.Single(p => p.folder == folder).at)).ToList();
        Assert.Equal(layerStarts.Order(), layerStarts);
    }

    [GeneratedRegex(@"^using SignalRTicker\.Server\.(\w+)(?:\.\w+)*;", RegexOptions.Multiline)]
    private static partial Regex FeatureUsing();
}
