using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>The app's own quote engine, with every batch that names <see cref="Symbol"/> held until opened: a publish in flight on demand.</summary>
public sealed class GatedQuoteEngine : IQuoteEngine
{
    public const string Symbol = "DRAIN-USD";

    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LocalQuoteEngine? _inner;

    /// <summary>Wraps the app's engine (for <see cref="TickerAppFactory.TestServices"/>).</summary>
    public void Register(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<IQuoteEngine>(provider =>
    {
        _inner = ActivatorUtilities.CreateInstance<LocalQuoteEngine>(provider);
        return this;
    }));

    /// <summary>Completes when a batch is being held.</summary>
    public Task Held => _held.Task;

    public void Open() => _open.TrySetResult();

    public async ValueTask<PublishResult> PublishAsync(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin, CancellationToken cancellationToken)
    {
        if (updates.Any(update => update.Symbol == Symbol))
        {
            _held.TrySetResult();
            await _open.Task;
        }

        return await _inner!.PublishAsync(updates, origin, cancellationToken);
    }

    public ValueTask<HistoryRead> ReadHistoryAsync(Instrument instrument, long since, int limit, CancellationToken cancellationToken) =>
        _inner!.ReadHistoryAsync(instrument, since, limit, cancellationToken);
}
