using System.ComponentModel.DataAnnotations;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// What every upstream feed is configured with: where to connect, how long to wait between attempts, and when a silent
/// link counts as dropped. Each feed's options add the venue's names to stream and bind from their own section.
/// </summary>
public abstract class UpstreamFeedOptions : IValidatableObject
{
    /// <summary>The longest the gateway waits between attempts: a restart of the venue should not leave it idle for long.</summary>
    public static readonly TimeSpan MaxBackoffCeiling = TimeSpan.FromHours(1);

    protected UpstreamFeedOptions(string defaultUrl, TimeSpan idleTimeout)
    {
        DefaultUrl = defaultUrl;
        Url = defaultUrl;
        IdleTimeout = idleTimeout;
    }

    /// <summary>The venue's WebSocket address (ws:// or wss://).</summary>
    public string Url { get; set; }

    /// <summary>The wait after the first failure; each further failure in a row doubles it (with jitter).</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a connection attempt (TCP, TLS, upgrade) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the gateway pings the venue; a ping unanswered for as long again drops the connection. Zero turns the
    /// pings off (the venue's own pings are answered either way).
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>No message at all for this long drops the connection; zero turns the check off.</summary>
    public TimeSpan IdleTimeout { get; set; }

    /// <summary>The gateway symbols this feed prices: the configured names, normalised, without repeats.</summary>
    public IReadOnlyList<string> InstrumentSymbols
    {
        get
        {
            var symbols = new List<string>();
            foreach (var name in Listed)
            {
                if (TryNormalise(name, out var symbol) && !symbols.Contains(symbol, StringComparer.Ordinal))
                {
                    symbols.Add(symbol);
                }
            }

            return symbols;
        }
    }

    /// <summary>The configuration section, such as <c>Feeds:Coinbase</c>.</summary>
    protected abstract string Section { get; }

    /// <summary>The key under <see cref="Section"/> that lists the venue's names, such as <c>Products</c>.</summary>
    protected abstract string ListKey { get; }

    /// <summary>The venue's names as configured.</summary>
    protected abstract List<string> Listed { get; }

    /// <summary>What the venue calls a name, with an example, for error messages: "a Coinbase product id such as BTC-USD".</summary>
    protected abstract string NameDescription { get; }

    private string DefaultUrl { get; }

    /// <summary>
    /// Takes a list written as one comma-separated value (<c>Feeds__Coinbase__Products=BTC-USD,ETH-USD</c> in the
    /// environment), which the configuration binder would otherwise ignore for a list.
    /// </summary>
    public void AddCommaSeparated(IConfiguration configuration)
    {
        if (configuration[$"{Section}:{ListKey}"] is { Length: > 0 } value)
        {
            Listed.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
    }

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
        {
            yield return new ValidationResult($"{Section}:Url must be a ws:// or wss:// address such as {DefaultUrl}; it was {Symbol.Describe(Url)}.");
        }

        foreach (var name in Listed)
        {
            if (!TryNormalise(name, out _))
            {
                yield return new ValidationResult($"{Section}:{ListKey} names {Symbol.Describe(name)}, which is not {NameDescription}.");
            }
        }

        if (ReconnectDelay <= TimeSpan.Zero || ReconnectDelay > MaxReconnectDelay)
        {
            yield return new ValidationResult($"{Section}:ReconnectDelay must be above zero and no more than {Section}:MaxReconnectDelay ({MaxReconnectDelay}); it was {ReconnectDelay}.");
        }

        if (MaxReconnectDelay > MaxBackoffCeiling)
        {
            yield return new ValidationResult($"{Section}:MaxReconnectDelay must be at most {MaxBackoffCeiling}; it was {MaxReconnectDelay}.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:ConnectTimeout must be above zero; it was {ConnectTimeout}.");
        }

        if (KeepAliveInterval < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:KeepAliveInterval must be zero (off) or more; it was {KeepAliveInterval}.");
        }

        if (IdleTimeout < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:IdleTimeout must be zero (off) or more; it was {IdleTimeout}.");
        }
    }

    /// <summary>The gateway symbol for a venue name; false when the name is not the venue's shape.</summary>
    protected abstract bool TryNormalise(string? name, out string symbol);
}
