namespace SignalRTicker.Server.Tests.BadInput;

/// <summary>Hostile input, shared by the per-case tests and the test that replays all of it against one live server.</summary>
public static class BadInputCorpus
{
    private static readonly string OneMegabyte = new('x', 1024 * 1024);
    private static readonly string Junk = "\\u0000\\u202e💥ÿ\\u200b\\ud83d\\ude00<script>";

    /// <summary>method, path, JSON body ("" for none), the status expected, sent with an admin token.</summary>
    public static TheoryData<string, string, string, int> Requests => new()
    {
        // method, path, JSON body ("" for none), the status expected: junk a request does not use is ignored
        { "POST", "/api/admin/keys", "", 400 },
        { "POST", "/api/admin/keys", "null", 400 },
        { "POST", "/api/admin/keys", "[]", 400 },
        { "POST", "/api/admin/keys", "{\"name\":5,\"role\":\"user\",\"symbols\":[\"BTC-USD\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":[\"user\"],\"symbols\":[\"BTC-USD\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"symbols\":\"BTC-USD\"}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"symbols\":[1,2]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"symbols\":[[\"BTC-USD\"]]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"" + OneMegabyte + "\",\"role\":\"user\",\"symbols\":[\"BTC-USD\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"symbols\":[" + string.Join(',', Enumerable.Repeat("\"BTC-USD\"", 100_000)) + "]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"" + Junk + "\",\"role\":\"" + Junk + "\",\"symbols\":[\"" + Junk + "\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"symbols\":[\"\\ud800\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"x\",", 400 },
        // A repeated property is refused, not read as its last copy.
        { "POST", "/api/admin/keys", "{\"name\":\"x\",\"role\":\"user\",\"role\":\"admin\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/auth/token", "{\"apiKey\":\"a\",\"apiKey\":\"" + TickerAppFactory.DemoKey + "\"}", 400 },
        // Names that would not show as what they are in a list: bidirectional overrides and isolates, zero-width and tag characters.
        { "POST", "/api/admin/keys", "{\"name\":\"\u202Eyek nimda\",\"role\":\"user\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"ad\u200Bmin\",\"role\":\"user\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"\u2066admin\u2069\",\"role\":\"user\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"admin\uDB40\uDC41\",\"role\":\"user\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"admin\u200E\",\"role\":\"user\",\"symbols\":[\"*\"]}", 400 },
        { "POST", "/api/admin/keys", "{\"name\":\"Zoë 東京 🚀\",\"role\":\"user\",\"symbols\":[\"*\"]}", 201 },
        { "DELETE", "/api/admin/keys/not-a-guid", "", 404 },
        { "DELETE", "/api/admin/keys/%F0%9F%92%A5%00", "", 400 },
        { "DELETE", "/api/admin/keys/" + new string('1', 5000), "", 404 },
        { "GET", "/api/admin/keys/not-a-guid/tokens", "", 404 },
        { "POST", "/api/auth/ticket", "{\"junk\":\"" + OneMegabyte + "\"}", 200 },
        { "DELETE", "/api/auth/token", "[1,2,3]", 204 },
        { "GET", "/api/symbols?access_token=" + new string('a', 4000), "", 200 },
        { "GET", "/api/auth/me?x=%00%FF", "", 200 },
        { "PUT", "/api/auth/token", "{}", 405 },
    };

    /// <summary>Hub calls with bad arguments: each fails with a HubException and leaves the connection open.</summary>
    public static (string Method, object?[] Args)[] HubCalls =>
    [
        (nameof(ITickerHub.Subscribe), [null]),
        (nameof(ITickerHub.Subscribe), [new string?[] { null }]),
        (nameof(ITickerHub.Subscribe), [new[] { 1, 2 }]),
        (nameof(ITickerHub.Subscribe), [new { symbols = "BTC-USD" }]),
        (nameof(ITickerHub.Subscribe), ["BTC-USD"]),
        (nameof(ITickerHub.Subscribe), [new[] { "\u0000\u202e💥", "BTC-USD" }]),
        (nameof(ITickerHub.Subscribe), [Enumerable.Repeat("BTC-USD", 1000).ToArray()]),
        (nameof(ITickerHub.Subscribe), [new[] { "BTC-USD" }, "extra"]),
        (nameof(ITickerHub.Subscribe), []),
        (nameof(ITickerHub.Unsubscribe), [new[] { 1.5 }]),
        (nameof(ITickerHub.Unsubscribe), [new object[] { new[] { "nested" } }]),
        (nameof(ITickerHub.GetSubscriptions), ["unexpected"]),
        ("NoSuchMethod", []),
    ];
}
