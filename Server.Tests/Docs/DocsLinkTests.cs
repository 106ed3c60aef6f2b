namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// Every relative link in the repository's Markdown leads to a file of the repository (and, with an anchor, to one of
/// its headings); no link leaves the repository by a relative path.
/// </summary>
public sealed class DocsLinkTests
{
    [Fact]
    public void EveryRelativeLink_ResolvesToAFileOfTheRepository()
    {
        var files = MarkdownFile.All();
        Assert.Contains(files, file => file.Name == "README.md");
        Assert.Contains(files, file => file.Name == "docs/hub.md");

        var root = Path.GetFullPath(Repository.Root) + Path.DirectorySeparatorChar;
        var wrong = new List<string>();
        foreach (var file in files)
        {
            foreach (var link in file.Links())
            {
                if (IsExternal(link))
                {
                    continue;
                }

                var (target, anchor) = Split(link);
                var resolved = target.Length == 0
                    ? file.Path
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file.Path)!, Uri.UnescapeDataString(target)));
                if (!resolved.StartsWith(root, StringComparison.Ordinal))
                {
                    wrong.Add($"{file.Name}: ({link}) points outside the repository");
                }
                else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    wrong.Add($"{file.Name}: ({link}) names no file");
                }
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                         && !MarkdownFile.Read(Path.GetRelativePath(root, resolved)).Anchors().Contains(anchor))
                {
                    wrong.Add($"{file.Name}: ({link}) names no heading of {Path.GetRelativePath(root, resolved)}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "Dead links:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void NoLink_IsAFileUrlOrAnAbsolutePath()
    {
        var wrong = MarkdownFile.All()
            .SelectMany(file => file.Links()
                .Where(link => link.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || link.StartsWith('/'))
                .Select(link => $"{file.Name}: ({link})"))
            .ToList();

        Assert.True(wrong.Count == 0, "Links that only work on one machine or one server:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void TheAnchorsOfAHeading_AreGitHubs()
    {
        // The slugs the link check relies on, for the shapes of heading these docs use.
        var anchors = MarkdownFile.Read("docs/security.md").Anchors();
        Assert.Contains("connection-tickets-tokens-stay-out-of-urls", anchors);
        Assert.Contains("the-keys-command", anchors);
    }

    private static bool IsExternal(string link) =>
        link.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || link.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || link.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    private static (string Target, string? Anchor) Split(string link)
    {
        var hash = link.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (link, null) : (link[..hash], link[(hash + 1)..]);
    }
}
