// What the page shows of a quote: prices formatted for people, and whether a row's price still counts as live. No DOM,
// no network and no clock of its own (callers pass `now`), so `node --test` covers all of it.

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
