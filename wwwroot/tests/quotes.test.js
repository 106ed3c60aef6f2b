import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Arrival, NotLive, SequenceTracker, STALE_AFTER_MS, decimalsFor, formatQuote, formatTime, liveness, mergeQuotes, normaliseQuote,
  normaliseRecovery, normaliseSymbol,
} from "../quotes.js";

/** Quotes of one symbol with these sequences (price = sequence, to tell them apart). */
const quotes = (...sequences) => sequences.map((sequence) => ({ symbol: "BTC-USD", price: sequence, sequence }));
const sequences = (list) => list.map((quote) => quote.sequence);

describe("SequenceTracker", () => {
  test("the first quote of a symbol is taken as it is", () => {
    const tracker = new SequenceTracker();
    assert.deepEqual(tracker.accept("BTC-USD", 41), { arrival: Arrival.FIRST, missed: 0 });
  });

  test("one more than the last is the next quote", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.deepEqual(tracker.accept("BTC-USD", 42), { arrival: Arrival.NEXT, missed: 0 });
  });

  test("a skip ahead is a gap that counts the quotes missed", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.deepEqual(tracker.accept("BTC-USD", 45), { arrival: Arrival.GAP, missed: 3 });
    assert.deepEqual(tracker.accept("BTC-USD", 46), { arrival: Arrival.NEXT, missed: 0 });
  });

  test("the same or a lower number is a duplicate, and does not move the position back", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    tracker.accept("BTC-USD", 42);
    assert.equal(tracker.accept("BTC-USD", 42).arrival, Arrival.DUPLICATE);
    assert.equal(tracker.accept("BTC-USD", 40).arrival, Arrival.DUPLICATE);
    assert.deepEqual(tracker.positions(), [{ symbol: "BTC-USD", sequence: 42 }]);
    assert.equal(tracker.last("BTC-USD"), 42);
    assert.equal(tracker.last("ETH-USD"), null);
  });

  test("symbols are tracked apart", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.equal(tracker.accept("ETH-USD", 7).arrival, Arrival.FIRST);
    assert.equal(tracker.accept("BTC-USD", 42).arrival, Arrival.NEXT);
  });

  test("after a resync, a lower number means the feed restarted; only the first quote after it gets that pass", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 500);
    tracker.resync();
    assert.deepEqual(tracker.accept("BTC-USD", 3), { arrival: Arrival.RESTART, missed: 0 });
    assert.equal(tracker.accept("BTC-USD", 4).arrival, Arrival.NEXT);
    assert.equal(tracker.accept("BTC-USD", 2).arrival, Arrival.DUPLICATE);
  });

  test("after a resync, the latest quote again is a duplicate and a skip ahead is a gap", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 10);
    tracker.accept("ETH-USD", 20);
    tracker.resync();
    assert.equal(tracker.accept("BTC-USD", 10).arrival, Arrival.DUPLICATE);
    assert.deepEqual(tracker.accept("ETH-USD", 25), { arrival: Arrival.GAP, missed: 4 });
  });

  test("a forgotten symbol starts again", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 10);
    tracker.forget("BTC-USD");
    assert.equal(tracker.accept("BTC-USD", 3).arrival, Arrival.FIRST);
  });

  test("a quote without a usable sequence is shown and not tracked", () => {
    const tracker = new SequenceTracker();
    assert.equal(tracker.accept("BTC-USD", undefined).arrival, Arrival.NEXT);
    assert.equal(tracker.accept("BTC-USD", Number.NaN).arrival, Arrival.NEXT);
    assert.deepEqual(tracker.positions(), []);
  });
});

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
});

describe("mergeQuotes", () => {
  test("history before the live quotes: one list in sequence order, the overlap once", () => {
    const live = quotes(58, 59, 60);
    const history = quotes(1, 2, 58, 59);
    assert.deepEqual(sequences(mergeQuotes(live, history)), [1, 2, 58, 59, 60]);
  });

  test("on a repeated sequence the quote already kept stays", () => {
    const kept = [{ symbol: "BTC-USD", price: 1, sequence: 5 }];
    const merged = mergeQuotes(kept, [{ symbol: "BTC-USD", price: 2, sequence: 5 }]);
    assert.deepEqual(merged.map((q) => q.price), [1]);
  });

  test("a Resume replay and the quotes pushed while it was in flight: duplicates dropped, none lost", () => {
    const replay = quotes(41, 42, 43, 44);
    const pushed = quotes(43, 44, 45);
    assert.deepEqual(sequences(mergeQuotes(replay, pushed)), [41, 42, 43, 44, 45]);
  });

  test("newer quotes are appended, and the newest `capacity` are kept", () => {
    assert.deepEqual(sequences(mergeQuotes(quotes(1, 2, 3), quotes(4, 5), 4)), [2, 3, 4, 5]);
    assert.deepEqual(sequences(mergeQuotes(quotes(3, 4), quotes(1, 2, 5, 6), 3)), [4, 5, 6]);
  });

  test("nothing new leaves the list as it was", () => {
    const kept = quotes(1, 2);
    assert.equal(mergeQuotes(kept, []), kept);
    assert.deepEqual(mergeQuotes([], []), []);
  });

  test("quotes without a sequence cannot be placed and are left out", () => {
    assert.deepEqual(sequences(mergeQuotes(quotes(1), [{ symbol: "BTC-USD", price: 2 }, ...quotes(2)])), [1, 2]);
  });

  test("its inputs are not changed", () => {
    const kept = quotes(3, 1);
    const incoming = quotes(2);
    mergeQuotes(kept, incoming);
    assert.deepEqual(sequences(kept), [3, 1]);
    assert.deepEqual(sequences(incoming), [2]);
  });
});

describe("formatting", () => {
  test("prices get cents, fractions get more decimals", () => {
    assert.equal(decimalsFor(42012.5), 2);
    assert.equal(decimalsFor(1), 2);
    assert.equal(decimalsFor(0.0595), 4);
    assert.equal(decimalsFor(0.000123), 6);
  });

  test("a rise is signed and marked up, with the price's decimals", () => {
    assert.deepEqual(formatQuote({ price: 42012.5, change: 12.5, changePercent: 0.0297 }, "en-US"), {
      price: "42,012.50", bid: "", ask: "", change: "+12.50", changePercent: "+0.03%", direction: "up",
    });
  });

  test("a fall is marked down", () => {
    assert.deepEqual(formatQuote({ price: 0.0595, change: -0.0012, changePercent: -1.98 }, "en-US"), {
      price: "0.0595", bid: "", ask: "", change: "-0.0012", changePercent: "-1.98%", direction: "down",
    });
  });

  test("no change has no sign and no direction", () => {
    assert.deepEqual(formatQuote({ price: 150, change: 0, changePercent: 0 }, "en-US"), {
      price: "150.00", bid: "", ask: "", change: "0.00", changePercent: "0.00%", direction: "",
    });
  });

  test("a missing change shows a dash, not NaN or zero", () => {
    assert.deepEqual(formatQuote({ price: 18, change: null, changePercent: undefined }, "en-US"), {
      price: "18.00", bid: "", ask: "", change: "–", changePercent: "–", direction: "",
    });
  });

  test("bid and ask get the price's decimals; either may be missing", () => {
    const text = formatQuote({ price: 12.5, bid: 12.49, ask: 12.51, change: 0, changePercent: 0 }, "en-US");
    assert.deepEqual([text.bid, text.ask], ["12.49", "12.51"]);
    const bidOnly = formatQuote({ price: 0.1875, bid: 0.187, ask: null, change: 0, changePercent: 0 }, "en-US");
    assert.deepEqual([bidOnly.bid, bidOnly.ask], ["0.1870", ""]);
  });

  test("the locale decides the separators", () => {
    assert.equal(formatQuote({ price: 42012.5, change: 1, changePercent: 1 }, "de-DE").price, "42.012,50");
  });

  test("times are shown to a tenth of a second, and a bad timestamp as a dash", () => {
    assert.match(formatTime("2026-11-22T10:00:00.123+00:00", "en-GB"), /^\d{2}:\d{2}:\d{2}[.,]1$/);
    assert.equal(formatTime("not a time", "en-GB"), "–");
    assert.equal(formatTime(null, "en-GB"), "–");
  });
});

describe("liveness", () => {
  const now = 1_000_000;
  const live = { connected: true, feedStale: false, lastQuoteAt: now - 10, now };

  test("a recent quote on a live connection from a live feed is live", () => {
    assert.equal(liveness(live), null);
    assert.equal(liveness({ ...live, lastQuoteAt: now - STALE_AFTER_MS + 1 }), null);
  });

  test("a quote older than the limit is quiet", () => {
    assert.equal(liveness({ ...live, lastQuoteAt: now - STALE_AFTER_MS }), NotLive.QUIET);
  });

  test("a symbol the server calls stale is stale however recent its last quote", () => {
    assert.equal(liveness({ ...live, feedStale: true }), NotLive.FEED);
  });

  test("nothing is live while disconnected, however recent, and that comes first", () => {
    assert.equal(liveness({ ...live, connected: false }), NotLive.OFFLINE);
    assert.equal(liveness({ ...live, connected: false, feedStale: true }), NotLive.OFFLINE);
  });

  test("a symbol with no quote yet is waiting", () => {
    assert.equal(liveness({ ...live, lastQuoteAt: null }), NotLive.WAITING);
  });

  test("the limit can be set", () => {
    assert.equal(liveness({ ...live, lastQuoteAt: now - 50, staleAfterMs: 40 }), NotLive.QUIET);
  });
});
