// The hub's and the API's messages in one shape, whichever protocol carried them: the JSON protocol's camelCase, while
// MessagePack carries the server's property names (PascalCase), decimals as strings and timestamps as [Date, offset].

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

/** A `RefreshToken` answer, `{ expiresAt, symbols, removed }`, whichever protocol carried it. */
export function normaliseRefresh(result) {
  const stamp = result?.expiresAt ?? result?.ExpiresAt;
  const expires = Array.isArray(stamp) ? stamp[0] : stamp; // MessagePack: [Date, offset minutes]
  const when = expires instanceof Date ? expires : new Date(String(expires ?? ""));
  const list = (value) => (Array.isArray(value) ? value.map(normaliseSymbol) : []);
  return {
    expiresAt: Number.isNaN(when.getTime()) ? null : when,
    symbols: list(result?.symbols ?? result?.Symbols),
    removed: list(result?.removed ?? result?.Removed),
  };
}
