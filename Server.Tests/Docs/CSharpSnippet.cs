using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// C# statements from the docs, compiled with Roslyn as the body of one async method, against every assembly the
/// tests run with (the framework, the official SignalR client, the Contracts). The snippets see the implicit usings of
/// a .NET project plus their own <c>using</c> directives, an <c>apiKey</c> variable, and a <c>Console</c> that writes
/// to <see cref="Output"/>.
/// </summary>
public sealed partial class CSharpSnippet
{
    private const string ClassName = "DocsSnippet";

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => MetadataReference.CreateFromFile(path))]);

    private readonly MethodInfo _run;
    private readonly PropertyInfo _console;

    private CSharpSnippet(Assembly assembly)
    {
        var type = assembly.GetType(ClassName)!;
        _run = type.GetMethod("RunAsync")!;
        _console = type.GetProperty("Console")!;
    }

    /// <summary>What the snippets wrote to <c>Console</c>.</summary>
    public StringWriter Output { get; } = new();

    /// <summary>Compiles the blocks, in order, as one method; fails with Roslyn's diagnostics when they do not compile cleanly.</summary>
    public static CSharpSnippet Compile(IReadOnlyList<string> blocks)
    {
        var usings = new SortedSet<string>(ImplicitUsings.Select(u => $"using {u};"), StringComparer.Ordinal);
        var statements = new List<string>();
        foreach (var line in blocks.SelectMany(block => block.Split('\n')))
        {
            if (UsingDirective().IsMatch(line))
            {
                usings.Add(line.Trim());
            }
            else
            {
                statements.Add(line);
            }
        }

        var source = $$"""
            {{string.Join('\n', usings)}}

            public static class {{ClassName}}
            {
                public static TextWriter Console { get; set; } = TextWriter.Null;

                public static async Task RunAsync(string apiKey, Func<Task> then)
                {
            {{string.Join('\n', statements)}}
                    await then();
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            $"DocsSnippet{Guid.NewGuid():N}",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(emitted.Success && problems.Count == 0,
            "The docs' C# does not compile cleanly:\n" + string.Join('\n', problems) + "\n\n" + source);
        image.Position = 0;
        return new CSharpSnippet(new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(image));
    }

    /// <summary>Runs the snippets with <paramref name="apiKey"/>, then <paramref name="then"/> while their connections are still open.</summary>
    public async Task RunAsync(string apiKey, Func<Task> then)
    {
        _console.SetValue(null, TextWriter.Synchronized(Output));
        await ((Task)_run.Invoke(null, [apiKey, then])!).DefaultTimeout(TimeSpan.FromSeconds(30));
    }

    [GeneratedRegex(@"^using\s+[\w.]+;\s*$")]
    private static partial Regex UsingDirective();
}
