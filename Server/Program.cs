using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Cors;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Ticker;
using SignalRTicker.Server.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddErrors();
builder.AddWebPage();
builder.AddTickerCors();    // other origins allowed by Cors:AllowedOrigins; none by default
builder.AddKeys();          // API keys, hashed, in SQLite; migrated and seeded at start
builder.AddTickerAuth();    // API key → JWT exchange; JwtBearer for the API and the hub
builder.AddTicker();        // the hub, the quote book and the feed
builder.AddQuoteDelivery(); // fan-out per connection: coalesced, conflated, slow consumers cut off
builder.AddHealth();
builder.AddTickerMetrics();   // System.Diagnostics.Metrics, scraped by Prometheus

var app = builder.Build();

app.UseErrors();
app.UseWebPage();
app.UseTickerCors();        // before auth: preflights carry no token
app.UseAuthentication();
app.UseAuthorization();

app.MapAuth();
app.MapTicker();
app.MapHealth();
app.MapTickerMetrics();

app.Run();
