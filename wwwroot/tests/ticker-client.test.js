import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorKind, Protocol, State, StopReason, TickerClient, readOptions, serverUrl } from "../lib/ticker-client.js";
import { backoffDelay } from "../lib/ticker-client/connection.js";
import { FakeApi, FakeClock, FakeFeed, fakeHubs, refusedKey, unreachable } from "./fakes.js";

const SERVER = "http://127.0.0.1:5080/";
const delay = (attempt) => backoffDelay(attempt, { random: () => 0.5 });

/** A client on fake parts: the API, the hub connections and the clock are the connection tests' fakes. */
function setup(options = {}, { refused = new Map() } = {}) {
  const clock = new FakeClock();
  const api = new FakeApi();
  const feed = new FakeFeed();
  api.feed = feed;
  api.clock = clock;
  const { hubs, createHub } = fakeHubs(feed, (hub) => { hub.refused = refused; });
  const client = new TickerClient({ server: SERVER, apiKey: "stk_key", ...options }, { api, timers: clock, random: () => 0.5, createHub });
  const events = [];
  for (const name of ["state", "subscribed", "unsubscribed", "unrecovered", "error", "instruments", "stale"]) {
    client.on(name, (event) => events.push([name, event]));
  }
  const quotes = [];
  client.on("quote", (quote, info) => quotes.push([quote.symbol, quote.sequence, info.missed]));
  return {
    clock, api, feed, hubs, client, events, quotes,
    hub: () => hubs.at(-1),
    of: (name) => events.filter(([kind]) => kind === name).map(([, event]) => event),
  };
}

async function started(t, credentials = undefined) {
  const settled = t.client.start(credentials);
  await t.clock.advance(0);
  return settled;
}

describe("options", () => {
  test("the server's address gets a trailing slash, so the API and the hub resolve under it", () => {
    assert.equal(serverUrl("https://ticker.example.com"), "https://ticker.example.com/");
    assert.equal(serverUrl("https://example.com/ticker"), "https://example.com/ticker/");
    assert.equal(serverUrl("https://example.com/ticker/?x=1#y"), "https://example.com/ticker/");
    assert.equal(serverUrl("/ticker/", "https://dashboard.example.com/app/"), "https://dashboard.example.com/ticker/");
  });

  test("a bad option is a TypeError naming it, at once", () => {
    assert.throws(() => readOptions({ server: SERVER, protocol: "xml" }), /protocol/);
    assert.throws(() => readOptions({ server: SERVER, symbols: "BTC-USD" }), /symbols/);
    assert.throws(() => readOptions({ server: SERVER, symbols: ["BTC-USD", ""] }), /symbols/);
    assert.throws(() => readOptions({ server: "ftp://example.com" }), /server/);
    assert.throws(() => readOptions({ server: SERVER, apiKey: "stk_key", accessToken: () => "jwt" }), /not both/);
    assert.throws(() => readOptions({ server: SERVER, accessToken: "jwt" }), /accessToken must be a function/);
    assert.throws(() => readOptions({ server: SERVER, instrumentsPollMs: -1 }), /instrumentsPollMs/);
  });

  test("symbols are spelled as the hub spells them, once each", () => {
    const options = readOptions({ server: SERVER, symbols: [" btc-usd", "BTC-USD", "eth-usd"], protocol: Protocol.MESSAGEPACK });
    assert.deepEqual(options.symbols, ["BTC-USD", "ETH-USD"]);
    assert.equal(options.protocol, "messagepack");
  });

  test("start() without a credential in the options or its argument is a TypeError", async () => {
    const t = setup({ apiKey: undefined });
    await assert.rejects(t.client.start(), TypeError);
    assert.equal(await started(t, { apiKey: "stk_typed" }), State.CONNECTED);
    assert.deepEqual(t.api.calls[0], ["token", "stk_typed"]);
  });
});

describe("symbols", () => {
  test("the options' symbols are subscribed once connected, and resumed rather than subscribed again after a reconnect", async () => {
    const t = setup({ symbols: ["BTC-USD", "eth-usd"] });

    assert.equal(await started(t), State.CONNECTED);
    await t.clock.advance(0);
    assert.deepEqual(t.hub().calls("Subscribe"), [["BTC-USD", "ETH-USD"]]);
    assert.deepEqual(t.client.symbols, ["BTC-USD", "ETH-USD"]);
    assert.deepEqual(t.quotes, [["BTC-USD", 1, 0], ["ETH-USD", 1, 0]]);

    await t.clock.advance(60_000);
    t.hub().serverClose();
    await t.clock.advance(0);

    assert.equal(t.client.state, State.CONNECTED);
    assert.deepEqual(t.hub().calls("Subscribe"), [["BTC-USD", "ETH-USD"]]);
    assert.equal(t.hub().calls("Resume").length, 1);
  });

  test("a symbol the server refuses is reported on its own, and the others are subscribed", async () => {
    const t = setup({ symbols: ["BTC-USD", "NOPE", "ETH-USD"] }, { refused: new Map([["NOPE", "Unknown symbol 'NOPE'."]]) });

    await started(t);
    await t.clock.advance(0);

    assert.deepEqual(t.client.symbols, ["BTC-USD", "ETH-USD"]);
    const [error] = t.of("error");
    assert.equal(error.during, "subscribe");
    assert.deepEqual(error.symbols, ["NOPE"]);
    assert.equal(error.message, "Unknown symbol 'NOPE'.");
    assert.equal(error.retryAt, null);
  });

  test("gaps are counted per symbol since it was subscribed, and in all", async () => {
    const t = setup({ symbols: ["BTC-USD", "ETH-USD"] });
    await started(t);
    await t.clock.advance(0);

    t.hub().push(t.feed.quote("BTC-USD", { sequence: 4 }));
    t.hub().push(t.feed.quote("BTC-USD", { sequence: 9 }));
    t.hub().push(t.feed.quote("ETH-USD", { sequence: 3 }));

    assert.deepEqual(t.quotes.slice(-3), [["BTC-USD", 4, 2], ["BTC-USD", 9, 4], ["ETH-USD", 3, 1]]);
    assert.equal(t.client.gaps("btc-usd"), 2);
    assert.equal(t.client.gaps("ETH-USD"), 1);
    assert.equal(t.client.gaps(), 3);

    await t.client.unsubscribe("BTC-USD");
    assert.equal(t.client.gaps("BTC-USD"), 0);
    assert.equal(t.client.gaps(), 3);
  });
});

describe("instruments and stale feeds", () => {
  const listed = (stale) => ["BTC-USD", "ETH-USD"].map((symbol) => ({ symbol, price: 1, stale: stale.includes(symbol) }));

  test("the list is read on connecting and every instrumentsPollMs while connected; stale fires when the set changes", async () => {
    const t = setup({ instrumentsPollMs: 3_000 });
    t.api.instruments = listed([]);

    await started(t);
    assert.equal(t.of("instruments").length, 1);
    assert.deepEqual(t.of("stale"), []);

    t.api.instruments = listed(["ETH-USD"]);
    await t.clock.advance(3_000);
    await t.clock.advance(3_000);
    assert.equal(t.of("instruments").length, 3);
    assert.deepEqual(t.of("stale"), [{ symbols: ["ETH-USD"] }]);

    t.api.instruments = listed([]);
    await t.clock.advance(3_000);
    assert.deepEqual(t.of("stale").at(-1), { symbols: [] });
  });

  test("nothing is read while not connected, and a failed read is not an error", async () => {
    const t = setup({ instrumentsPollMs: 3_000 });
    t.api.instruments = new Error("HTTP 500");
    await started(t);
    await t.clock.advance(3_000);
    assert.equal(t.api.count("symbols"), 2);
    assert.deepEqual(t.of("error"), []);

    await t.client.stop();
    await t.clock.advance(30_000);
    assert.equal(t.api.count("symbols"), 2);
    assert.deepEqual(t.clock.pending, []);
  });

  test("instrumentsPollMs 0 reads nothing", async () => {
    const t = setup({ instrumentsPollMs: 0 });
    await started(t);
    await t.clock.advance(60_000);
    assert.equal(t.api.count("symbols"), 0);
  });
});

describe("errors", () => {
  test("a failed attempt is an error event that says when the client tries again, in words a person can act on", async () => {
    const t = setup();
    t.api.tokenAnswers.push(unreachable());

    t.client.start();
    await t.clock.advance(0);

    const [error] = t.of("error");
    assert.equal(error.during, "connection");
    assert.equal(error.error.kind, ErrorKind.UNREACHABLE);
    assert.equal(error.message, "The server at http://127.0.0.1:1 is not reachable.");
    assert.equal(error.retryAt, t.clock.now() + delay(0));
    await t.clock.advance(delay(0));
    assert.equal(t.client.state, State.CONNECTED);
  });

  test("a close retried at once is routine: no error", async () => {
    const t = setup();
    await started(t);
    await t.clock.advance(60_000);
    t.hub().serverClose(new Error("WebSocket closed with status code: 1006."));
    await t.clock.advance(0);

    assert.equal(t.client.state, State.CONNECTED);
    assert.deepEqual(t.of("error"), []);
  });

  test("a refused key ends the session with an error that is not retried", async () => {
    const t = setup();
    t.api.tokenAnswers.push(refusedKey());

    assert.equal(await started(t), State.DISCONNECTED);

    assert.equal(t.of("state").at(-1).reason, StopReason.REFUSED);
    const [error] = t.of("error");
    assert.equal(error.during, "connection");
    assert.equal(error.retryAt, null);
    assert.match(error.message, /^That API key was not accepted: The API key is unknown or has been revoked\.$/);
  });
});
