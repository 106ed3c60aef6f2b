using SignalRTicker.Server.Admin;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Cluster;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Cors;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.OpenApi;
using SignalRTicker.Server.RateLimits;
using SignalRTicker.Server.Revocation;
using SignalRTicker.Server.Settings;
using SignalRTicker.Server.Shutdown;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Ticker;
using SignalRTicker.Server.Web;

// `--version` prints the version and exits, before any setting is read.
if (VersionCommand.TryRun(args, Console.Out)) return;

var builder = WebApplication.CreateBuilder(args);

builder.AddShippedSettings(); // the appsettings beside the binaries when started from another directory
builder.ExitOnBadSettings();  // a bad setting at start: one line naming it and exit code 1, not a stack trace
builder.AddTrustedProxies();  // the client's address from X-Forwarded-For, only from ForwardedHeaders:KnownProxies/KnownNetworks
builder.AddRequestLog();      // method, path, status and duration; never the query: a hub URL can carry a token
builder.AddErrors();
builder.AddControlChannel(); // revocations, entitlement changes and removed instruments reach every subscriber (every node, in a cluster)
builder.AddWebPage();
builder.AddTickerCors();    // other origins allowed by Cors:AllowedOrigins; none by default
builder.AddStorage();       // SQLite in the data folder, migrated before the host starts
builder.AddInstruments();   // the symbols the gateway knows, their sequences and history
builder.AddKeys();          // API keys, hashed; seeded at start
builder.AddTickerAuth();    // API key → JWT exchange; JwtBearer for the API and the hub
builder.AddRateLimits();    // 429s per client IP for tokens, hub connects and failed auth; per-key and per-connection hub limits
builder.AddRevocation();    // revoked tokens and keys refused at once and their hub connections closed
builder.AddQuoteDelivery(); // fan-out per connection: coalesced, conflated, slow consumers cut off
builder.AddFeeds();         // what makes quotes: the random walk, publishers, Coinbase and Binance
builder.AddTicker();        // the hub and its connections; quotes leave through IHubContext
builder.AddShutdownDrain(); // on SIGTERM: no new connections, open ones closed over Shutdown:DrainSeconds with a reconnect-now close
builder.AddHealth();
builder.AddTickerMetrics();   // System.Diagnostics.Metrics, scraped by Prometheus
builder.AddTickerOpenApi();   // the HTTP API described from the endpoints' own metadata, so it cannot drift
builder.AddCluster();         // with ConnectionStrings:Redis, one gateway of many nodes; last: it takes the seams the others expose

// `keys create|list|revoke` manages keys on the configured database, then exits instead of serving.
if (await KeysCommand.TryRunAsync(args, builder)) return;

var app = builder.Build();
app.ValidateSettings();                   // every option now, before the host starts (it would log a failure with its stack)
await app.Services.PrepareStorageAsync(); // the data folder and the migrated database, before anything reads them

app.UseTrustedProxies();    // first: rate limits, the failed-auth budget and token records count the client, not the proxy
app.UseRequestLog();
app.UseErrors();
app.UseTickerMetricsPort(); // with Metrics:Port, /metrics is served there alone and without a token (bind it privately)
app.UseTickerCors();        // before the page (browsers load module scripts with CORS) and auth (preflights carry no token)
app.UseShutdownDrain();     // a draining node refuses new hub connections (503) before any other work
app.UseWebPage();
app.UseRateLimits();        // before auth: a flood or a brute force is refused before any credential is checked
app.UseAdmin();             // before auth: every path under /api/admin needs the admin role, even one that does not exist
app.UseAuthentication();
app.UseAuthorization();
app.UseConnectionCap();      // a key at its cap is refused at negotiate (429), before the hub runs
app.UseTicketBinding();        // a ticket's negotiate binds it to the connection it created
app.UseQueryTokenRemoval();    // an authenticated request forgets the token in its query
app.UseQuoteDelivery(TickerHub.Path); // quote frames straight to each hub WebSocket

app.MapAuth();
app.MapRevocation();
app.MapAdmin();
app.MapTicker();
app.MapPublish();
app.MapHealth();
app.MapTickerOpenApi();      // /openapi/v1.json and /docs: Development only unless OpenApi:Enabled
app.MapTickerMetrics().RequireAdminOutsideDevelopment(); // counts and routes are for operators: an admin token outside Development

app.Run();
