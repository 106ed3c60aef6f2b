using System.Text.RegularExpressions;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>One Markdown file of the repository: its text, its fenced code blocks, its headings and its links.</summary>
public sealed partial class MarkdownFile
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", "TestResults", "artifacts", ".git"];

    private MarkdownFile(string path)
    {
        Path = path;
        Text = File.ReadAllText(path).ReplaceLineEndings("\n");
    }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <summary>The path from the repository's root, with forward slashes: <c>docs/hub.md</c>.</summary>
    public string Name => System.IO.Path.GetRelativePath(Repository.Root, Path).Replace('\\', '/');

    public string Text { get; }

    /// <summary>A file under the repository's root, such as <c>docs/hub.md</c>.</summary>
    public static MarkdownFile Read(string relativePath) =>
        new(System.IO.Path.Combine(Repository.Root, relativePath));

    /// <summary>Every <c>*.md</c> of the repository, outside build output, packages and test results.</summary>
    public static IReadOnlyList<MarkdownFile> All() =>
        [.. Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Where(path => !System.IO.Path.GetRelativePath(Repository.Root, path)
                .Split(System.IO.Path.DirectorySeparatorChar)
                .Any(SkippedFolders.Contains))
            .Order(StringComparer.Ordinal)
            .Select(path => new MarkdownFile(path))];

    /// <summary>The bodies of the fenced blocks whose info string is <paramref name="language"/>, in order.</summary>
    public IReadOnlyList<string> CodeBlocks(string language) =>
        [.. Fence().Matches(Text).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["body"].Value)];

    /// <summary>The text outside fenced code blocks: where links and headings are.</summary>
    public string Prose => Fence().Replace(Text, "");

    /// <summary>The targets of the inline links and images outside code, as written.</summary>
    public IReadOnlyList<string> Links() =>
        [.. InlineLink().Matches(Prose).Select(m => m.Groups["target"].Value)];

    /// <summary>The anchors GitHub makes of the headings: lower case, punctuation dropped, spaces to hyphens.</summary>
    public IReadOnlySet<string> Anchors()
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Prose))
        {
            var slug = SlugDropped().Replace(heading.Groups["title"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var unique = slug;
            for (var i = 1; !anchors.Add(unique); i++)
            {
                unique = $"{slug}-{i}";
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"^```(?<lang>[\w#+-]*)[^\n]*\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    /// <summary>What GitHub's slugger removes: anything but letters, digits, spaces, hyphens and underscores.</summary>
    [GeneratedRegex(@"[^\p{L}\p{N}\s_-]")]
    private static partial Regex SlugDropped();
}
