import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NotLive, STALE_AFTER_MS, decimalsFor, formatQuote, formatTime, liveness } from "../quotes.js";

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
