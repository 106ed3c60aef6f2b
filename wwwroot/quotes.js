// Pure quote logic: sequence tracking, formatting and liveness. No DOM, no network and no clock of its own (callers
// pass `now`), so `node --test` covers all of it.

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

/** Symbols as the hub normalises them: trimmed, upper case. */
export function normaliseSymbol(symbol) {
  return String(symbol ?? "").trim().toUpperCase();
}

/**
 * MessagePack quotes carry the server's property names (PascalCase), decimals as strings and the timestamp as
 * [Date, offset minutes]; this gives them the JSON protocol's shape. JSON quotes pass through unchanged.
 */
export function normaliseQuote(quote) {
  if (quote === null || typeof quote !== "object" || !("Symbol" in quote)) return quote;
  const stamp = Array.isArray(quote.Timestamp) ? quote.Timestamp[0] : quote.Timestamp;
  const normalised = {
    symbol: quote.Symbol,
    price: Number(quote.Price),
    change: quote.Change == null ? null : Number(quote.Change),
    changePercent: quote.ChangePercent == null ? null : Number(quote.ChangePercent),
    sequence: Number(quote.Sequence),
    timestamp: stamp instanceof Date ? stamp.toISOString() : String(stamp),
  };
  if (quote.Bid != null) normalised.bid = Number(quote.Bid);
  if (quote.Ask != null) normalised.ask = Number(quote.Ask);
  return normalised;
}

/** A `Resume` answer for one symbol, `{ symbol, recovered, quotes }`, whichever protocol carried it. */
export function normaliseRecovery(recovery) {
  const symbol = recovery?.symbol ?? recovery?.Symbol;
  const recovered = recovery?.recovered ?? recovery?.Recovered;
  const quotes = recovery?.quotes ?? recovery?.Quotes;
  return { symbol, recovered: recovered === true, quotes: Array.isArray(quotes) ? quotes.map(normaliseQuote) : [] };
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

/** Decimals to show for a price: cents for ordinary prices, more for fractions such as ETH-BTC. */
export function decimalsFor(price) {
  const abs = Math.abs(price);
  return abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
}

const NO_VALUE = "–";
const numberFormats = new Map();

function numberFormat(locale, decimals, signed) {
  const key = `${locale}|${decimals}|${signed}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: signed ? "exceptZero" : "auto",
    });
    numberFormats.set(key, format);
  }
  return format;
}

function formatNumber(value, decimals, signed, locale) {
  if (value === null || value === undefined || value === "") return NO_VALUE;
  const number = Number(value);
  return Number.isFinite(number) ? numberFormat(locale, decimals, signed).format(number) : NO_VALUE;
}

/**
 * A quote's cells as text: price, bid, ask and change with the price's decimals, change % with two, both signed; and
 * the direction of the change ("up", "down" or ""). Bid and ask are empty when the source does not give them.
 * `locale` undefined means the browser's.
 */
export function formatQuote(quote, locale = undefined) {
  const price = Number(quote.price);
  const decimals = Number.isFinite(price) ? decimalsFor(price) : 2;
  const change = quote.change == null ? NaN : Number(quote.change);
  const percent = formatNumber(quote.changePercent, 2, true, locale);
  const side = (value) => (value === null || value === undefined ? "" : formatNumber(value, decimals, false, locale));
  return {
    price: formatNumber(quote.price, decimals, false, locale),
    bid: side(quote.bid),
    ask: side(quote.ask),
    change: formatNumber(quote.change, decimals, true, locale),
    changePercent: percent === NO_VALUE ? NO_VALUE : `${percent}%`,
    direction: change > 0 ? "up" : change < 0 ? "down" : "",
  };
}

const timeFormats = new Map();

/** A quote's timestamp as the local time of day, to a tenth of a second; "–" when it is not a date. */
export function formatTime(timestamp, locale = undefined) {
  const date = new Date(timestamp);
  if (timestamp === null || timestamp === undefined || Number.isNaN(date.getTime())) return NO_VALUE;
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 1, hour12: false,
    });
    timeFormats.set(locale, format);
  }
  return format.format(date);
}

/** How long a row may go without a quote before its price no longer counts as live. */
export const STALE_AFTER_MS = 5_000;

/** Why a row's price is not live. */
export const NotLive = Object.freeze({
  OFFLINE: "offline", // the connection is down
  FEED: "feed", // the server says the symbol's upstream feed is disconnected: its price is stale
  WAITING: "waiting", // no quote yet
  QUIET: "quiet", // no quote for a while
});

/**
 * Whether a price is live, and if not why (a NotLive), or null when it is: the connection is up, the server does not
 * call the symbol stale, and its last quote arrived (on the client's clock, which the server's timestamps need not
 * agree with) less than `staleAfterMs` ago.
 */
export function liveness({ connected, feedStale = false, lastQuoteAt, now, staleAfterMs = STALE_AFTER_MS }) {
  if (!connected) return NotLive.OFFLINE;
  if (feedStale) return NotLive.FEED;
  if (lastQuoteAt === null || lastQuoteAt === undefined) return NotLive.WAITING;
  return now - lastQuoteAt < staleAfterMs ? null : NotLive.QUIET;
}
