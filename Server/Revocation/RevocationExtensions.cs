using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Revocation;

public static class RevocationExtensions
{
    /// <summary>Revoked tokens and keys are refused on the next request and their hub connections closed at once.</summary>
    public static IHostApplicationBuilder AddRevocation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RevocationOptions>()
            .BindConfiguration(RevocationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RevocationList>();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, RevocationCheck>();
        builder.Services.AddScoped<Revoker>();

        // Hosted, so it starts with the host: it creates the list (which subscribes to revocations as it is created)
        // and fills it from the database before the first request.
        builder.Services.AddHostedService<RevocationSweeper>();

        // Until the ticker's connection registry moves to Ticker and subscribes there: a revocation closes the
        // connections it covers at once, and the registry counts a key's connections for its cap.
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<ConnectionFilter>();
        builder.Services.Configure<HubOptions>(options => options.AddFilter<ConnectionFilter>());
        builder.Services.AddHostedService<CloseRevokedConnections>();
        return builder;
    }

    /// <summary>The interim subscriber that aborts the connections of a revoked token or key.</summary>
    private sealed class CloseRevokedConnections(IControlChannel channel, ConnectionRegistry connections, ILogger<ConnectionRegistry> logger) : IHostedService
    {
        private readonly List<IDisposable> _subscriptions = [];

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _subscriptions.Add(channel.Subscribe<TokenRevoked>(revoked =>
            {
                if (connections.AbortToken(revoked.TokenId) is var closed and > 0)
                {
                    RevocationLog.TokenConnectionsClosed(logger, revoked.TokenId, closed);
                }
            }));
            _subscriptions.Add(channel.Subscribe<KeyRevoked>(revoked =>
            {
                if (connections.AbortKey(revoked.KeyId) is var closed and > 0)
                {
                    RevocationLog.KeyConnectionsClosed(logger, revoked.KeyId, closed);
                }
            }));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _subscriptions.ForEach(subscription => subscription.Dispose());
            return Task.CompletedTask;
        }
    }
}
