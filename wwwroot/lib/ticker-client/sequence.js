// One stream of quotes per symbol: what each quote's sequence number says (first, next, a gap, a repeat, a restarted
// feed), and how two lists of one symbol's quotes become one in sequence order. Pure, so `node --test` covers all of it.

/** What a quote's sequence number says about its symbol's stream. */
export const Arrival = Object.freeze({
  FIRST: "first", // the first quote of this symbol
  NEXT: "next", // one more than the last
  GAP: "gap", // skipped ahead: `missed` quotes never arrived
  DUPLICATE: "duplicate", // already seen (a Subscribe snapshot repeats the latest quote): drop it
  RESTART: "restart", // lower than before, right after a reconnect: the server's feed started again
});

/**
 * The last sequence number of each symbol. After a reconnect (`resync`) the first quote of each symbol may be lower
 * than the last one seen, which means the feed restarted; at any other time a lower number is a duplicate.
 */
export class SequenceTracker {
  #last = new Map();
  #resync = new Set();

  /** Classifies one quote's sequence and remembers it unless it is a duplicate. */
  accept(symbol, sequence) {
    if (!Number.isSafeInteger(sequence)) {
      return { arrival: Arrival.NEXT, missed: 0 }; // nothing to track: show it
    }
    const last = this.#last.get(symbol);
    const resync = this.#resync.delete(symbol);
    if (last === undefined) {
      this.#last.set(symbol, sequence);
      return { arrival: Arrival.FIRST, missed: 0 };
    }
    if (sequence === last || (sequence < last && !resync)) {
      return { arrival: Arrival.DUPLICATE, missed: 0 };
    }
    this.#last.set(symbol, sequence);
    if (sequence < last) {
      return { arrival: Arrival.RESTART, missed: 0 };
    }
    const missed = sequence - last - 1;
    return missed > 0 ? { arrival: Arrival.GAP, missed } : { arrival: Arrival.NEXT, missed: 0 };
  }

  /** Marks every known symbol: its next quote follows a reconnect. */
  resync() {
    for (const symbol of this.#last.keys()) this.#resync.add(symbol);
  }

  forget(symbol) {
    this.#last.delete(symbol);
    this.#resync.delete(symbol);
  }

  clear() {
    this.#last.clear();
    this.#resync.clear();
  }

  /** The symbol's last sequence, or null before its first. */
  last(symbol) {
    return this.#last.get(symbol) ?? null;
  }

  /** Each symbol's last sequence, e.g. for a resume after reconnecting. */
  positions() {
    return [...this.#last].map(([symbol, sequence]) => ({ symbol, sequence }));
  }
}

/**
 * One symbol's quotes from two sources (a history page or a Resume replay, and what was pushed meanwhile), each oldest
 * first, as one list ordered by sequence with every sequence once, keeping the newest `capacity`. Quotes without a
 * sequence cannot be placed and are left out. Appending newer quotes, the common case, does not sort.
 */
export function mergeQuotes(kept, incoming, capacity = Infinity) {
  let merged;
  const appends = incoming.every((quote, i) =>
    Number.isSafeInteger(quote.sequence) && quote.sequence > (i === 0 ? (kept.at(-1)?.sequence ?? -Infinity) : incoming[i - 1].sequence));
  if (appends) {
    merged = incoming.length === 0 ? kept : kept.concat(incoming);
  } else {
    const bySequence = new Map();
    for (const quote of [...kept, ...incoming]) {
      if (Number.isSafeInteger(quote.sequence) && !bySequence.has(quote.sequence)) bySequence.set(quote.sequence, quote);
    }
    merged = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  }
  return merged.length > capacity ? merged.slice(merged.length - capacity) : merged;
}
