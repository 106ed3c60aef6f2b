using Microsoft.EntityFrameworkCore;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Instruments;

/// <summary>The instruments in the database: added and removed by admins, their position saved as they run.</summary>
public sealed class InstrumentStore(TickerDbContext db, TimeProvider time)
{
    /// <summary>Every stored instrument, removed ones included (their sequences still count).</summary>
    public Task<List<InstrumentRecord>> LoadAsync(CancellationToken cancellationToken) =>
        db.Instruments.AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>
    /// Stores a new instrument; the state to start it from, or null when one with that symbol exists. A symbol that was
    /// removed comes back with its old sequence, so sequences never repeat.
    /// </summary>
    public async Task<InstrumentState?> AddAsync(string symbol, InstrumentSource source, decimal? startPrice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = await db.Instruments.FindAsync([symbol], cancellationToken);
        if (record is { RemovedAt: null })
        {
            return null;
        }

        if (record is null)
        {
            record = new InstrumentRecord { Symbol = symbol, Source = source.Name(), CreatedAt = now };
            db.Instruments.Add(record);
        }

        record.Source = source.Name();
        record.StartPrice = startPrice;
        record.RemovedAt = null;
        record.LastPrice = record.LastBid = record.LastAsk = record.Reference = null;
        record.LastTimestamp = null;
        record.ReferenceDay = null;
        await db.SaveChangesAsync(cancellationToken);

        var opening = startPrice is { } price ? Prices.Opening(symbol, price, price, record.ReservedSequence, now) : null;
        return new InstrumentState(symbol, source, startPrice, record.ReservedSequence, opening);
    }

    /// <summary>
    /// Marks an instrument removed, keeping the sequences it used (<paramref name="running"/>: where it stands now, when
    /// this server runs it), so the configured defaults do not bring it back and a later one of the same symbol does not
    /// repeat them. False when there is no such active instrument.
    /// </summary>
    public async Task<bool> RemoveAsync(string symbol, InstrumentState? running, CancellationToken cancellationToken)
    {
        var record = await db.Instruments.FindAsync([symbol], cancellationToken);
        if (record is { RemovedAt: not null } || (record is null && running is null))
        {
            return false;
        }

        if (record is null)
        {
            record = new InstrumentRecord { Symbol = symbol, Source = running!.Source.Name(), CreatedAt = time.GetUtcNow() };
            db.Instruments.Add(record);
        }

        record.ReservedSequence = Math.Max(record.ReservedSequence, running?.Sequence ?? 0);
        record.RemovedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return true;
    }

    /// <summary>
    /// Saves where each instrument stands, with sequences reserved up to <c>Reserve</c>; adds rows missing. An
    /// <paramref name="exact"/> save (a graceful stop) sets the reservation to the last sequence used, so the next start
    /// carries on without a jump; otherwise a reservation only grows.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<(InstrumentState State, long Reserve)> positions, bool exact, CancellationToken cancellationToken)
    {
        var symbols = positions.Select(p => p.State.Symbol).ToList();
        var records = await db.Instruments.Where(i => symbols.Contains(i.Symbol)).ToDictionaryAsync(i => i.Symbol, StringComparer.Ordinal, cancellationToken);
        foreach (var (state, reserve) in positions)
        {
            if (!records.TryGetValue(state.Symbol, out var record))
            {
                record = new InstrumentRecord { Symbol = state.Symbol, Source = state.Source.Name(), CreatedAt = time.GetUtcNow() };
                db.Instruments.Add(record);
            }
            else if (record.RemovedAt is not null)
            {
                continue; // removed meanwhile: leave it removed
            }

            record.Source = state.Source.Name();
            record.StartPrice = state.StartPrice;
            record.ReservedSequence = exact ? reserve : Math.Max(record.ReservedSequence, reserve);
            if (state.Latest is { } latest)
            {
                record.LastSequence = latest.Sequence;
                record.LastPrice = latest.Price;
                record.LastBid = latest.Bid;
                record.LastAsk = latest.Ask;
                record.LastTimestamp = latest.Timestamp;
            }

            record.Reference = state.Reference;
            record.ReferenceDay = state.Reference is null ? null : state.ReferenceDay;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // One store lives as long as the persistence that saves through it: forget what this save tracked.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The state a stored instrument carries on from: after its reserved sequence, with its last quote.</summary>
    public static InstrumentState? Restore(InstrumentRecord record)
    {
        if (record.RemovedAt is not null || !InstrumentSourceNames.TryParse(record.Source, out var source))
        {
            return null;
        }

        Quote? latest = null;
        if (record is { LastPrice: { } price, LastTimestamp: { } timestamp })
        {
            var reference = record.StartPrice ?? record.Reference ?? price;
            latest = Prices.Quote(record.Symbol, price, reference, record.LastSequence, timestamp, record.LastBid, record.LastAsk);
        }
        else if (record.StartPrice is { } start)
        {
            latest = Prices.Opening(record.Symbol, start, start, record.ReservedSequence, record.CreatedAt);
        }

        return new InstrumentState(record.Symbol, source, record.StartPrice, record.ReservedSequence, latest, record.Reference, record.ReferenceDay ?? default);
    }
}
