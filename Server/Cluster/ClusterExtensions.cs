using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Settings;
using SignalRTicker.Server.Ticker;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

public static class ClusterExtensions
{
    /// <summary>The database provider key every node of a cluster must share (see Storage).</summary>
    public const string DatabaseProviderKey = "Database:Provider";

    public const string SharedDatabaseProvider = "Postgres";

    /// <summary>
    /// With <c>ConnectionStrings:Redis</c>, this node joins the cluster that shares that Redis: the seams the lower
    /// features expose take Redis-backed parts (control channel, quote engine, feed leadership, tickets, connection
    /// counts). Without it nothing changes: one node needs neither Redis nor a shared database.
    /// </summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        var redisKey = $"ConnectionStrings:{ClusterOptions.RedisConnectionStringName}";
        if (string.IsNullOrWhiteSpace(builder.Configuration[redisKey]))
        {
            return builder;
        }

        if (!string.Equals(builder.Configuration[DatabaseProviderKey], SharedDatabaseProvider, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidSettingException(
                $"{redisKey} and {DatabaseProviderKey}",
                $"{redisKey} makes this node one of a cluster, whose nodes must share one database: set {DatabaseProviderKey}={SharedDatabaseProvider} " +
                $"with ConnectionStrings:Ticker naming that PostgreSQL database, or remove {redisKey} to run a single node on SQLite.");
        }

        var services = builder.Services;
        services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ClusterNode>();
        services.AddSingleton<RedisConnection>();
        services.AddSingleton(sp => sp.GetRequiredService<RedisConnection>().Multiplexer);

        // The channels are subscribed before any other hosted service starts, so nothing published at start is missed.
        services.AddSingleton<ClusterChannels>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<ClusterChannels>()));

        services.AddSingleton<RedisControlChannel>();
        services.Replace(ServiceDescriptor.Singleton<IControlChannel>(sp => sp.GetRequiredService<RedisControlChannel>()));

        services.AddSingleton<ClusterQuoteReceiver>();
        services.AddSingleton<InstrumentPositions>();
        services.Replace(ServiceDescriptor.Singleton<IQuoteEngine, RedisQuoteEngine>());
        services.AddSingleton<InstrumentSync>();
        services.AddHostedService(sp => sp.GetRequiredService<InstrumentSync>());
        services.Replace(ServiceDescriptor.Singleton<IFeedLeadership, RedisFeedLeadership>());

        services.Replace(ServiceDescriptor.Singleton<ITicketLedger, RedisTicketLedger>());

        services.AddSingleton<RedisKeyConnectionCounter>();
        services.Replace(ServiceDescriptor.Singleton<IKeyConnectionCounter>(sp => sp.GetRequiredService<RedisKeyConnectionCounter>()));
        services.AddHostedService<NodeHeartbeat>();

        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthExtensions.ReadyTag]);
        services.Configure<HealthCheckOptions>(options => options.ResponseWriter = HealthReportWriter.WriteAsync);
        return builder;
    }
}
