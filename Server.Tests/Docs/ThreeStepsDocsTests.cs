namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// The .NET library's README and the browser module's docs show the same three steps (connect, subscribe, handle
/// quotes) side by side, and the copies in each are the same code, so one cannot move on without the other.
/// </summary>
public sealed class ThreeStepsDocsTests
{
    [Fact]
    public void TheJavaScriptSteps_AreTheSameInBoth()
    {
        var library = MarkdownFile.Read("Client/README.md").CodeBlocks("js");
        var module = MarkdownFile.Read("docs/embedding.md").CodeBlocks("js");

        var steps = Assert.Single(library);
        Assert.Contains(steps, module);
        Assert.Contains("client.on(\"quote\"", steps, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCSharpSteps_AreTheSameInBoth()
    {
        var library = MarkdownFile.Read("Client/README.md").CodeBlocks("csharp")[0];
        var module = Assert.Single(MarkdownFile.Read("docs/embedding.md").CodeBlocks("csharp"));

        // The embedding page's copy stops at RunAsync; the README's goes on to handle Ctrl+C around it.
        foreach (var line in module.Split('\n').Where(line => line.Length > 0))
        {
            Assert.Contains(line, library, StringComparison.Ordinal);
        }

        Assert.Contains("ticker.QuoteReceived +=", library, StringComparison.Ordinal);
    }

    [Fact]
    public void BothShowTheStepsAsATable()
    {
        foreach (var file in new[] { "Client/README.md", "docs/embedding.md" })
        {
            var text = MarkdownFile.Read(file).Text;
            foreach (var step in new[] { "| 1. connect", "| 2. subscribe", "| 3. handle quotes" })
            {
                Assert.True(text.Contains(step, StringComparison.Ordinal), $"{file} has no table row starting '{step}'.");
            }
        }
    }
}
