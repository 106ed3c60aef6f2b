using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// The README's tour, replayed: every curl command of its shell blocks is sent to a real server in the order written
/// (the demo key as it is, the admin key in place of the one `keys create` prints), each must succeed, and each answer
/// has the properties of the example answer written under it.
/// </summary>
public sealed partial class ReadmeTourTests : IAsyncLifetime
{
    private const string DocsServer = "http://localhost:5080";
    private const string DocsDemoKey = "stk_demo_0123456789abcdefghijklmnopqrstuvwxyz";
    private const string PrintedKey = "stk_…";

    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync()
    {
        _app.Settings["Auth:DemoApiKey"] = DocsDemoKey; // the key appsettings.Development.json ships
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryCurlCommand_Succeeds_WithTheAnswerShown()
    {
        var commands = Commands().ToList();
        Assert.Contains(commands, c => c.Path == "/api/quotes");
        Assert.Contains(commands, c => c.Path == "/api/admin/symbols");

        using var http = _app.CreateClient();
        var tokens = new Dictionary<string, string>
        {
            ["$TOKEN"] = (await _app.GetTokenAsync(DocsDemoKey)).AccessToken,
            ["$ADMIN"] = (await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken,
        };
        foreach (var command in commands)
        {
            using var request = new HttpRequestMessage(new HttpMethod(command.Method), command.Path);
            if (command.Body is { } body)
            {
                request.Content = new StringContent(body.Replace(PrintedKey, TickerAppFactory.AdminKey, StringComparison.Ordinal), Encoding.UTF8, "application/json");
            }

            if (tokens.Keys.FirstOrDefault(name => command.Text.Contains(name, StringComparison.Ordinal)) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[token]);
            }

            using var response = await http.SendAsync(request).DefaultTimeout();
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"README: `{command.Text}` answered {(int)response.StatusCode}: {answer}");
            foreach (Match property in PropertyName().Matches(command.ShownAnswer ?? ""))
            {
                Assert.True(answer.Contains(property.Value, StringComparison.Ordinal),
                    $"README: `{command.Text}` shows {property.Value} in its answer, but the server's has none: {answer}");
            }
        }
    }

    /// <summary>The curl commands of the README's bash blocks, continuation lines joined, with the example answer under each.</summary>
    private static IEnumerable<(string Text, string Method, string Path, string? Body, string? ShownAnswer)> Commands()
    {
        foreach (var block in MarkdownFile.Read("README.md").CodeBlocks("bash"))
        {
            var lines = block.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (Curl().Match(lines[i]) is not { Success: true } curl)
                {
                    continue;
                }

                var body = Body().Match(lines[i]);
                var method = Method().Match(lines[i]) is { Success: true } m ? m.Groups["method"].Value : body.Success ? "POST" : "GET";
                var shown = i + 1 < lines.Length && lines[i + 1].StartsWith("# ", StringComparison.Ordinal) ? lines[i + 1] : null;
                yield return (lines[i].Trim(), method, curl.Groups["path"].Value, body.Success ? body.Groups["body"].Value : null, shown);
            }
        }
    }

    [GeneratedRegex(@"curl .*?" + DocsServer + @"(?<path>/[^\s""']*)")]
    private static partial Regex Curl();

    [GeneratedRegex(@"-X (?<method>[A-Z]+)")]
    private static partial Regex Method();

    [GeneratedRegex(@"-d '(?<body>[^']*)'")]
    private static partial Regex Body();

    [GeneratedRegex(@"""\w+"":")]
    private static partial Regex PropertyName();
}
