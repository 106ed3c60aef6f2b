import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { normaliseQuote, normaliseRecovery, normaliseRefresh, normaliseSymbol } from "../lib/ticker-client/wire.js";

describe("normalising", () => {
  test("symbols are trimmed and upper-cased, as the hub does", () => {
    assert.equal(normaliseSymbol("  link-usd "), "LINK-USD");
  });

  test("a MessagePack quote gets the JSON shape", () => {
    const when = new Date("2026-11-22T10:00:00.123Z");
    const quote = normaliseQuote({
      Symbol: "BTC-USD", Price: "42012.55", Change: "12.55", ChangePercent: "0.03", Sequence: 1234, Timestamp: [when, 0], Bid: "42012.5",
    });
    assert.deepEqual(quote, {
      symbol: "BTC-USD", price: 42012.55, change: 12.55, changePercent: 0.03, sequence: 1234, timestamp: "2026-11-22T10:00:00.123Z", bid: 42012.5,
    });
  });

  test("a Resume answer gets one shape from either protocol, its quotes normalised", () => {
    const when = new Date("2026-11-22T10:00:00Z");
    assert.deepEqual(normaliseRecovery({ Symbol: "ACME", Recovered: false, Quotes: [{ Symbol: "ACME", Price: "5", Change: "0", ChangePercent: "0", Sequence: 9, Timestamp: [when, 0] }] }), {
      symbol: "ACME", recovered: false, quotes: [{ symbol: "ACME", price: 5, change: 0, changePercent: 0, sequence: 9, timestamp: "2026-11-22T10:00:00.000Z" }],
    });
    assert.deepEqual(normaliseRecovery({ symbol: "ACME", recovered: true, quotes: [] }), { symbol: "ACME", recovered: true, quotes: [] });
  });

  test("a JSON quote passes through unchanged", () => {
    const quote = { symbol: "BTC-USD", price: 1, change: 0, changePercent: 0, sequence: 1, timestamp: "t" };
    assert.equal(normaliseQuote(quote), quote);
  });

  test("a MessagePack refresh answer reads like the JSON one", () => {
    const at = new Date("2026-11-22T10:00:05Z");
    assert.deepEqual(normaliseRefresh({ ExpiresAt: [at, 0], Symbols: ["btc-usd"], Removed: ["ETH-USD"] }),
      { expiresAt: at, symbols: ["BTC-USD"], removed: ["ETH-USD"] });
    assert.deepEqual(normaliseRefresh({ expiresAt: "2026-11-22T10:00:05+00:00", symbols: ["*"], removed: [] }),
      { expiresAt: at, symbols: ["*"], removed: [] });
    assert.deepEqual(normaliseRefresh(null), { expiresAt: null, symbols: [], removed: [] });
  });
});
