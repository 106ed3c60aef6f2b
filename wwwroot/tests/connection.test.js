import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorKind } from "../lib/ticker-client/api.js";
import {
  ENTITLEMENT_REMOVED, SERVER_SHUTTING_DOWN, State, StopReason, TickerConnection, backoffDelay, errorKind, hubReason, isHubRefusal,
  renewalMargin,
} from "../lib/ticker-client/connection.js";
import {
  FakeApi, FakeClock, FakeFeed, fakeHubs, hubRefusal, rateLimited, refusedKey, settle, tokenRefused, unreachable,
} from "./fakes.js";

/** With random() = 0.5, "equal jitter" waits three quarters of each step: 188, 375, 750, 1500 ms... */
const delay = (attempt) => backoffDelay(attempt, { random: () => 0.5 });

function setup() {
  const clock = new FakeClock();
  const api = new FakeApi();
  const feed = new FakeFeed();
  api.feed = feed;
  api.clock = clock;
  const startAnswers = [];
  const { hubs, createHub } = fakeHubs(feed, (hub) => { hub.startAnswers = startAnswers; });
  const connection = new TickerConnection({ api, timers: clock, random: () => 0.5, createHub });
  const states = [];
  const log = [];
  connection.on("state", (event) => states.push({ ...event, at: clock.now() }));
  connection.on("subscribed", ({ symbols }) => log.push(["subscribed", ...symbols]));
  connection.on("unsubscribed", ({ symbols, reason }) => log.push(["unsubscribed", reason, ...symbols]));
  connection.on("quote", (quote, { arrival, missed }) => log.push(["quote", quote.symbol, quote.sequence, arrival, missed]));
  connection.on("unrecovered", ({ symbols }) => log.push(["unrecovered", ...symbols]));
  const errors = [];
  connection.on("error", (event) => errors.push(event));
  return {
    clock, api, feed, hubs, startAnswers, connection, states, log, errors,
    hub: () => hubs.at(-1),
    last: () => states.at(-1),
    names: () => states.map((s) => s.state),
    quotes: () => log.filter(([kind]) => kind === "quote"),
    /** The wait the last state event announced. */
    wait: () => states.at(-1).retryAt - states.at(-1).at,
  };
}

async function connected(t, key = "stk_key") {
  const settled = t.connection.start(key);
  await t.clock.advance(0);
  assert.equal(await settled, State.CONNECTED);
}

describe("helpers", () => {
  test("backoff grows, is capped, and jitters between half and all of each step", () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(n, { random: () => 0 })), [125, 250, 500, 1000]);
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(n, { random: () => 1 })), [250, 500, 1000, 2000]);
    assert.equal(backoffDelay(50, { random: () => 1 }), 10_000);
    assert.equal(backoffDelay(50, { random: () => 0 }), 5_000);
    assert.equal(backoffDelay(2, { baseMs: 100, capMs: 300, random: () => 1 }), 300);
  });

  test("the hub's reason is taken from SignalR's message", () => {
    const error = hubRefusal("Subscribe", "'ETH-USD' is not included in your API key's entitlements.");
    assert.equal(isHubRefusal(error), true);
    assert.equal(hubReason(error), "'ETH-USD' is not included in your API key's entitlements.");
    assert.equal(isHubRefusal(new Error("Invocation canceled due to the underlying connection being closed.")), false);
  });

  test("a refused negotiate counts as a refused token, and a 429 as rate-limited", () => {
    assert.equal(errorKind(new Error("Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'")), ErrorKind.UNAUTHORIZED);
    assert.equal(errorKind(new Error("Failed to complete negotiation with the server: Error: Too Many Requests: Status code '429'")), ErrorKind.RATE_LIMITED);
    assert.equal(errorKind(Object.assign(new Error("x"), { statusCode: 401 })), ErrorKind.UNAUTHORIZED);
    assert.equal(errorKind(new Error("WebSocket failed to connect.")), ErrorKind.SERVER);
    assert.equal(errorKind(refusedKey()), ErrorKind.REFUSED);
  });
});

describe("connecting", () => {
  test("gets a token, buys one ticket with it, and connects with that ticket", async () => {
    const t = setup();

    await connected(t);

    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED]);
    assert.deepEqual(t.api.calls, [["token", "stk_key"], ["ticket", "jwt-1"]]);
    assert.deepEqual(t.hub().credentials, ["tkt-for-jwt-1", "tkt-for-jwt-1"]); // negotiate, then the WebSocket
  });

  test("a refused key ends the session at once: disconnected, refused, nothing left to retry", async () => {
    const t = setup();
    t.api.tokenAnswers.push(refusedKey());

    const settled = t.connection.start("stk_bad");
    await t.clock.advance(0);

    assert.equal(await settled, State.DISCONNECTED);
    assert.deepEqual(t.names(), [State.CONNECTING, State.DISCONNECTED]);
    assert.equal(t.last().reason, StopReason.REFUSED);
    assert.equal(t.last().error.kind, ErrorKind.REFUSED);
    assert.deepEqual(t.clock.pending, []);
    await t.clock.advance(60_000);
    assert.equal(t.api.count("token"), 1);
    assert.equal(t.hub().credentials.length, 0);
  });

  test("failures back off with growing delays, announced in advance, until the server answers", async () => {
    const t = setup();
    t.api.tokenAnswers.push(unreachable());
    t.startAnswers.push(new Error("WebSocket failed to connect."), new Error("WebSocket failed to connect."));

    t.connection.start("stk_key");
    await t.clock.advance(0);
    assert.equal(t.last().state, State.CONNECTING);
    assert.equal(t.last().error.kind, ErrorKind.UNREACHABLE);
    assert.equal(t.wait(), delay(0));

    await t.clock.advance(delay(0) - 1);
    assert.equal(t.api.count("token"), 1, "no attempt before the announced time");
    await t.clock.advance(1);
    assert.equal(t.last().state, State.CONNECTING);
    assert.equal(t.last().attempt, 2);
    assert.equal(t.wait(), delay(1));

    await t.clock.advance(delay(1));
    assert.equal(t.wait(), delay(2));
    await t.clock.advance(delay(2));

    assert.equal(t.last().state, State.CONNECTED);
    assert.equal(t.api.count("token"), 2, "the token, once issued, is kept across attempts");
  });

  test("rate-limited: waits exactly what Retry-After said, then tries again", async () => {
    const t = setup();
    t.api.tokenAnswers.push(rateLimited(57_000));

    t.connection.start("stk_key");
    await t.clock.advance(0);

    assert.equal(t.last().state, State.CONNECTING);
    assert.equal(t.last().error.kind, ErrorKind.RATE_LIMITED);
    assert.equal(t.wait(), 57_000);
    await t.clock.advance(56_999);
    assert.equal(t.api.count("token"), 1);
    await t.clock.advance(1);
    assert.equal(t.last().state, State.CONNECTED);
    assert.equal(t.api.count("token"), 2);
  });

  test("start() needs a key", () => {
    const t = setup();
    assert.throws(() => t.connection.start("  "), TypeError);
  });
});

describe("reconnecting", () => {
  test("a connection that lasted comes back at once with the same token, and resumes from each symbol's last sequence", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "eth-usd"]);
    await t.clock.advance(60_000);

    t.hub().serverClose();
    await t.clock.advance(0);

    assert.deepEqual(t.names().slice(-2), [State.RECONNECTING, State.CONNECTED]);
    assert.equal(t.states.at(-2).retryAt, t.states.at(-2).at, "no wait");
    assert.equal(t.api.count("token"), 1);
    assert.equal(t.api.count("ticket"), 2, "a new ticket for the new connection");
    assert.deepEqual(t.hub().calls("Subscribe"), [["BTC-USD", "ETH-USD"]]);
    assert.deepEqual(t.hub().calls("Resume"), [[{ Symbol: "BTC-USD", Sequence: 1 }, { Symbol: "ETH-USD", Sequence: 1 }]]);
  });

  test("a connection that closes as soon as it opens backs off instead of spinning", async () => {
    const t = setup();
    await connected(t);

    t.hub().serverClose();
    await settle();
    assert.equal(t.last().state, State.RECONNECTING);
    assert.equal(t.wait(), delay(0));
    await t.clock.advance(delay(0));
    assert.equal(t.last().state, State.CONNECTED);

    t.hub().serverClose();
    await settle();
    assert.equal(t.wait(), delay(1));
  });

  test("a node shutting down gets an immediate reconnect however short the connection, and resumes", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    const shuttingDown = new Error(`Server returned an error on close: ${SERVER_SHUTTING_DOWN}`);

    t.hub().serverClose(shuttingDown);
    await settle();
    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED, State.RECONNECTING, State.CONNECTED]);
    const reconnecting = t.states[2];
    assert.equal(reconnecting.error, shuttingDown);
    assert.equal(reconnecting.retryAt, reconnecting.at, "at once, though the connection lasted less than stableAfterMs");
    assert.deepEqual(t.hub().calls("Resume"), [[{ Symbol: "BTC-USD", Sequence: 1 }]]);

    // Closed for the same reason as soon as it opened again: the second in a row waits, as any quick close does.
    t.hub().serverClose(shuttingDown);
    await settle();
    assert.equal(t.wait(), delay(1));
  });

  test("a token the server refuses (a revoked token) is replaced on the next attempt", async () => {
    const t = setup();
    await connected(t);
    await t.clock.advance(60_000);
    t.api.ticketAnswers.push(tokenRefused());

    t.hub().serverClose();
    await t.clock.advance(0);
    assert.equal(t.last().state, State.RECONNECTING);
    assert.equal(t.last().error.kind, ErrorKind.UNAUTHORIZED);
    await t.clock.advance(t.wait());

    assert.equal(t.last().state, State.CONNECTED);
    assert.deepEqual(t.api.calls.slice(-2), [["token", "stk_key"], ["ticket", "jwt-2"]]);
  });

  test("a key revoked while connected ends the session as revoked, not refused", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    await t.clock.advance(60_000);
    t.api.ticketAnswers.push(tokenRefused());
    t.api.tokenAnswers.push(refusedKey());

    t.hub().serverClose();
    await t.clock.advance(0);
    await t.clock.advance(t.wait());

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.REVOKED);
    assert.deepEqual(t.clock.pending, []);
    assert.deepEqual(t.connection.symbols, ["BTC-USD"], "kept, so the page can still show what it had");
  });

  test("a drop the server's history covers loses nothing: the missed quotes are replayed, and no gap is counted", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    t.hub().push(t.feed.quote("BTC-USD"));
    await t.clock.advance(60_000);
    t.hub().serverClose();
    t.feed.quote("BTC-USD");
    t.feed.quote("BTC-USD"); // two ticks while away

    await t.clock.advance(0);

    assert.deepEqual(t.hub().calls("Resume").at(-1), [{ Symbol: "BTC-USD", Sequence: 2 }]);
    assert.deepEqual(t.quotes().slice(-2), [["quote", "BTC-USD", 3, "next", 0], ["quote", "BTC-USD", 4, "next", 0]]);
    assert.equal(t.log.filter(([kind]) => kind === "unrecovered").length, 0);
  });

  test("quotes pushed while Resume is in flight are merged with its replay: each once, in order", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    await t.clock.advance(60_000);
    t.hub().serverClose();
    t.feed.quote("BTC-USD"); // 2, while away
    t.hub().duringInvoke = (method) => {
      // Joined before the history is read: 3 is pushed live and is in the replay as well.
      if (method === "Resume") t.hub().push(t.feed.quote("BTC-USD"));
    };

    await t.clock.advance(0);
    t.hub().duringInvoke = null;
    t.hub().push(t.feed.quote("BTC-USD"));

    assert.deepEqual(t.quotes(), [
      ["quote", "BTC-USD", 1, "first", 0],
      ["quote", "BTC-USD", 2, "next", 0],
      ["quote", "BTC-USD", 3, "next", 0],
      ["quote", "BTC-USD", 4, "next", 0],
    ]);
  });

  test("a drop longer than the server's history: the symbol is announced as not recovered, and the gap counts only what was lost", async () => {
    const t = setup();
    t.feed.historySize = 3;
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "ETH-USD"]);
    await t.clock.advance(60_000);
    t.hub().serverClose();
    for (let i = 0; i < 5; i++) t.feed.quote("BTC-USD"); // 2..6 while away; the server keeps 4..6
    t.feed.quote("ETH-USD"); // 2, still held

    await t.clock.advance(0);

    assert.deepEqual(t.log.filter(([kind]) => kind === "unrecovered"), [["unrecovered", "BTC-USD"]]);
    assert.deepEqual(t.quotes().slice(-2), [["quote", "BTC-USD", 6, "gap", 4], ["quote", "ETH-USD", 2, "next", 0]]);
  });

  test("a symbol with no quote yet resumes from 0, and gets everything it was sent meanwhile", async () => {
    const t = setup();
    await connected(t);
    t.hub().empty.add("ACME");
    await t.connection.subscribe(["ACME"]);
    await t.clock.advance(60_000);
    t.hub().serverClose();
    t.feed.quote("ACME");
    t.feed.quote("ACME");

    await t.clock.advance(0);

    assert.deepEqual(t.hub().calls("Resume").at(-1), [{ Symbol: "ACME", Sequence: 0 }]);
    assert.deepEqual(t.quotes(), [["quote", "ACME", 1, "first", 0], ["quote", "ACME", 2, "next", 0]]);
  });

  test("after a reconnect to a restarted feed, its lower sequence numbers are taken, not dropped as repeats", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    t.hub().push(t.feed.quote("BTC-USD", { sequence: 900 }));
    await t.clock.advance(60_000);
    t.hub().serverClose();
    t.feed.quote("BTC-USD", { sequence: 3 });

    await t.clock.advance(0); // the restarted server holds nothing after 900: nothing to replay
    t.hub().push(t.feed.quote("BTC-USD"));
    t.hub().push(t.feed.quote("BTC-USD"));

    assert.deepEqual(t.quotes().slice(-2), [
      ["quote", "BTC-USD", 4, "restart", 0],
      ["quote", "BTC-USD", 5, "next", 0],
    ]);
  });

  test("after a reconnect, symbols the hub now refuses are dropped and announced with its reason", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "ETH-USD"]);
    await t.clock.advance(60_000);
    t.hub().refused.set("ETH-USD", "'ETH-USD' is not included in your API key's entitlements.");

    t.hub().serverClose();
    await t.clock.advance(0);

    assert.equal(t.last().state, State.CONNECTED);
    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
    assert.deepEqual(t.log.at(-1), ["unsubscribed", "'ETH-USD' is not included in your API key's entitlements.", "ETH-USD"]);
  });
});

describe("tokens", () => {
  test("a new token is asked for when a fifth of the lifetime is left, or for short tokens half or 3 s", () => {
    assert.equal(renewalMargin(3_600_000), 60_000, "at most a minute");
    assert.equal(renewalMargin(100_000), 20_000);
    assert.equal(renewalMargin(10_000), 3_000);
    assert.equal(renewalMargin(5_000), 2_500);
    assert.equal(renewalMargin(1_000), 500);
  });

  test("the renewed token is handed to the live connection: no reconnect, no new ticket", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    const renewals = [];
    t.connection.on("renewed", (event) => renewals.push(event));
    await connected(t);
    const start = t.clock.now();

    await t.clock.advance(6_999);
    assert.equal(t.api.count("token"), 1);
    await t.clock.advance(1);

    assert.equal(t.api.count("token"), 2);
    assert.deepEqual(t.hub().calls("RefreshToken"), ["jwt-2"]);
    assert.equal(t.hub().held, "jwt-2");
    assert.equal(t.api.count("ticket"), 1);
    assert.equal(t.hubs.length, 1);
    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED]);
    assert.deepEqual(renewals, [{ at: start + 7_000, expiresAt: start + 17_000, removed: [] }]);
    assert.deepEqual(t.clock.pending, [7_000], "the next renewal");
  });

  test("a long session on short tokens keeps one connection and every quote", async () => {
    const t = setup();
    t.api.lifetimeMs = 5_000;
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);

    // The server's side: a quote every 100 ms, and the connection closed once the token it holds has expired.
    for (let elapsed = 0; elapsed < 60_000; elapsed += 100) {
      await t.clock.advance(100);
      if (t.clock.now() >= t.api.expiresAt(t.hub().held)) t.hub().serverClose();
      t.hub().push(t.feed.quote("BTC-USD"));
    }

    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED]);
    assert.equal(t.api.count("ticket"), 1);
    assert.equal(t.hub().calls("RefreshToken").length, 24); // every 2.5 s
    assert.equal(t.quotes().length, 601);
    assert.ok(t.quotes().every(([, , , , missed]) => missed === 0), "no gap");
    assert.deepEqual(t.errors, []);
  });

  test("the hub refusing the renewed token falls back to reconnecting with a fresh token and ticket, and says why", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);
    t.hub().refreshAnswers.push(hubRefusal("RefreshToken", "RefreshToken refused; the connection keeps its token: the new token was issued from another API key."));

    await t.clock.advance(7_000);

    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED, State.RECONNECTING, State.CONNECTED]);
    const reconnecting = t.states[2];
    assert.equal(reconnecting.retryAt, reconnecting.at, "at once");
    assert.match(reconnecting.error.message, /did not take its renewed token \(RefreshToken refused; .* another API key\.\); reconnecting with a new one\./);
    assert.deepEqual(t.errors.map((e) => e.during), ["token refresh"]);
    assert.deepEqual(t.api.calls.filter(([name]) => name !== "history"), [
      ["token", "stk_key"], ["ticket", "jwt-1"], ["token", "stk_key"], ["token", "stk_key"], ["ticket", "jwt-3"],
    ]);
    assert.equal(t.hub().held, "jwt-3");
    assert.deepEqual(t.hub().calls("Resume"), [[{ Symbol: "BTC-USD", Sequence: 1 }]]);
  });

  test("a refresh refused because the key was revoked ends the session as revoked", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    t.hub().refreshAnswers.push(hubRefusal("RefreshToken", "RefreshToken refused; the connection keeps its token: the token has been revoked."));
    t.api.tokenAnswers.push(undefined, refusedKey()); // the renewal's token, then the reconnect's

    await t.clock.advance(7_000);

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.REVOKED);
    assert.equal(t.last().error.kind, ErrorKind.REFUSED);
    assert.equal(t.hub().state, "Disconnected");
    assert.deepEqual(t.clock.pending, []);
  });

  test("a renewal refused for the key ends the session as revoked", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    t.api.tokenAnswers.push(refusedKey());

    await t.clock.advance(7_000);

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.REVOKED);
    assert.equal(t.hub().state, "Disconnected");
    assert.deepEqual(t.hub().calls("RefreshToken"), []);
  });

  test("a token request that fails is tried again while the connection's token lasts, and the connection stays up", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    t.api.tokenAnswers.push(unreachable(), unreachable());

    await t.clock.advance(7_000);
    assert.equal(t.errors.length, 1);
    assert.equal(t.errors[0].during, "token renewal");
    assert.deepEqual(t.clock.pending, [delay(0)]);
    await t.clock.advance(delay(0));
    assert.deepEqual(t.clock.pending, [delay(1)]);
    await t.clock.advance(delay(1));

    assert.equal(t.api.count("token"), 4);
    assert.deepEqual(t.hub().calls("RefreshToken"), ["jwt-2"]);
    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED]);
  });

  test("with no token to be had before expiry, the close at expiry reconnects with a fresh one", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    t.api.tokenAnswers.push(rateLimited(30_000));

    await t.clock.advance(7_000);
    assert.deepEqual(t.clock.pending, [], "Retry-After is past the token's expiry: nothing more before it");
    await t.clock.advance(3_000);
    t.hub().serverClose();
    await t.clock.advance(0);

    assert.equal(t.last().state, State.CONNECTED);
    assert.deepEqual(t.api.calls.slice(-2), [["token", "stk_key"], ["ticket", "jwt-2"]]);
  });

  test("subscriptions the renewed token no longer allows are dropped with a reason", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    const renewals = [];
    t.connection.on("renewed", (event) => renewals.push(event));
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "ETH-USD"]);
    t.hub().removedOnRefresh.push("ETH-USD", "NEVER-HELD");

    await t.clock.advance(7_000);
    t.hub().push(t.feed.quote("ETH-USD"));

    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
    assert.deepEqual(t.log.at(-1), ["unsubscribed", ENTITLEMENT_REMOVED, "ETH-USD"]);
    assert.deepEqual(renewals.map((r) => r.removed), [["ETH-USD"]]);
  });

  test("a close while RefreshToken is in flight is no refusal: the reconnect uses the renewed token", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    t.hub().duringInvoke = (method) => {
      if (method === "RefreshToken") t.hub().serverClose();
    };

    await t.clock.advance(7_000);
    t.hub().duringInvoke = null;

    assert.deepEqual(t.errors, []);
    assert.equal(t.last().state, State.CONNECTED);
    assert.deepEqual(t.api.calls.slice(-2), [["token", "stk_key"], ["ticket", "jwt-2"]]);
  });

  test("a token the HTTP API asks for while a renewal is in flight is the same request, handed over once", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    let answer;
    t.api.tokenAnswers.push(new Promise((resolve) => { answer = resolve; }));
    await t.clock.advance(7_000);

    const token = t.connection.accessToken();
    answer({ accessToken: "jwt-new", lifetimeMs: 10_000 });

    assert.equal(await token, "jwt-new");
    await settle();
    assert.equal(t.api.count("token"), 2);
    assert.deepEqual(t.hub().calls("RefreshToken"), ["jwt-new"]);
  });

  test("stop() during a renewal: nothing is handed over and nothing reconnects", async () => {
    const t = setup();
    t.api.lifetimeMs = 10_000;
    await connected(t);
    let stopping = null;
    t.hub().duringInvoke = (method) => {
      if (method === "RefreshToken") stopping = t.connection.stop();
    };

    await t.clock.advance(7_000);
    await stopping;
    await t.clock.advance(60_000);

    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED, State.DISCONNECTED]);
    assert.equal(t.last().reason, StopReason.STOPPED);
    assert.deepEqual(t.errors, []);
    assert.equal(t.api.count("ticket"), 1);
  });
});

describe("token providers", () => {
  /** A provider that answers from `answers` in turn (an Error is thrown), then with fresh 10-second tokens. */
  function provider(answers = []) {
    const given = [];
    const provide = async () => {
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      if (answer !== undefined) return answer;
      given.push(`own-${given.length + 1}`);
      return { accessToken: given.at(-1), expiresIn: 10 };
    };
    return { provide, given };
  }

  test("a provider stands in for the key: its tokens buy the tickets and are renewed in band; the token endpoint is never called", async () => {
    const t = setup();
    const tokens = provider();

    const settled = t.connection.start(tokens.provide);
    await t.clock.advance(0);
    assert.equal(await settled, State.CONNECTED);
    await t.clock.advance(7_000);

    assert.equal(t.api.count("token"), 0);
    assert.deepEqual(t.api.calls, [["ticket", "own-1"]]);
    assert.deepEqual(tokens.given, ["own-1", "own-2"]);
    assert.deepEqual(t.hub().calls("RefreshToken"), ["own-2"]);
    assert.equal(t.hubs.length, 1);
    assert.equal(await t.connection.accessToken(), "own-2");
  });

  test("a provider that fails is tried again with backoff; one that gives no token ends the session as refused", async () => {
    const t = setup();
    const tokens = provider([new Error("The dashboard's backend is down."), null]);

    t.connection.start(tokens.provide);
    await t.clock.advance(0);
    assert.equal(t.last().state, State.CONNECTING);
    assert.equal(t.last().error.message, "The dashboard's backend is down.");
    assert.equal(t.wait(), delay(0));
    await t.clock.advance(delay(0));

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.REFUSED);
    assert.equal(t.last().error.kind, ErrorKind.REFUSED);
    assert.deepEqual(t.clock.pending, []);
  });

  test("a provider that refuses after it gave tokens ends the session as revoked", async () => {
    const t = setup();
    const signedOut = Object.assign(new Error("Signed out."), { kind: ErrorKind.REFUSED });
    const tokens = provider([{ accessToken: "own-1", expiresIn: 10 }, signedOut]);
    await connected(t, tokens.provide);

    await t.clock.advance(7_000);

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.REVOKED);
    assert.equal(t.last().error, signedOut);
  });

  test("start() takes a key or a function, nothing else", () => {
    const t = setup();
    assert.throws(() => t.connection.start(undefined), TypeError);
    assert.throws(() => t.connection.start(""), TypeError);
  });
});

describe("stopping and switching", () => {
  test("stop() ends the session: the hub is stopped, nothing retries, the subscriptions are kept", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);

    await t.connection.stop();

    assert.equal(t.last().state, State.DISCONNECTED);
    assert.equal(t.last().reason, StopReason.STOPPED);
    assert.equal(t.hub().state, "Disconnected");
    assert.deepEqual(t.clock.pending, []);
    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
    await t.clock.advance(60_000);
    assert.deepEqual(t.names().slice(-1), [State.DISCONNECTED], "the stop's own close does not start a reconnect");
  });

  test("stop() during a back-off ends it: no attempt follows", async () => {
    const t = setup();
    t.api.tokenAnswers.push(unreachable());
    t.connection.start("stk_key");
    await t.clock.advance(0);

    await t.connection.stop();
    await t.clock.advance(60_000);

    assert.equal(t.api.count("token"), 1);
    assert.equal(t.last().reason, StopReason.STOPPED);
  });

  test("stop() twice announces one disconnect", async () => {
    const t = setup();
    await connected(t);
    await t.connection.stop();
    await t.connection.stop();
    assert.deepEqual(t.names(), [State.CONNECTING, State.CONNECTED, State.DISCONNECTED]);
  });

  test("start() with another key drops the old subscriptions and stops the old hub", async () => {
    const t = setup();
    await connected(t, "stk_first");
    await t.connection.subscribe(["BTC-USD"]);
    const first = t.hub();

    await connected(t, "stk_second");

    assert.equal(first.state, "Disconnected");
    assert.notEqual(t.hub(), first);
    assert.deepEqual(t.connection.symbols, []);
    assert.deepEqual(t.log.at(-1), ["unsubscribed", null, "BTC-USD"]);
    assert.deepEqual(t.api.calls.at(-2), ["token", "stk_second"]);
    await t.connection.subscribe(["BTC-USD"]);
    const quotes = t.log.filter(([kind]) => kind === "quote").length;
    first.push(t.feed.quote("BTC-USD"));
    assert.equal(t.log.filter(([kind]) => kind === "quote").length, quotes, "the old hub's quotes are ignored");
  });
});

describe("subscriptions", () => {
  test("the snapshot comes first, then what was pushed during the call; repeats are dropped and gaps counted", async () => {
    const t = setup();
    await connected(t);
    t.hub().duringInvoke = (method) => {
      if (method === "Subscribe") t.hub().push(t.feed.quote("BTC-USD"));
    };

    const snapshot = await t.connection.subscribe([" btc-usd "]);
    t.hub().push(t.feed.latest("BTC-USD"));
    t.hub().push(t.feed.quote("BTC-USD", { sequence: 5 }));

    assert.deepEqual(snapshot.map((q) => q.sequence), [1]);
    assert.deepEqual(t.log, [
      ["subscribed", "BTC-USD"],
      ["quote", "BTC-USD", 1, "first", 0],
      ["quote", "BTC-USD", 2, "next", 0],
      ["quote", "BTC-USD", 5, "gap", 2],
    ]);
    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
  });

  test("MessagePack quotes arrive in the JSON shape", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD"]);

    t.hub().push({ Symbol: "BTC-USD", Price: "42000.5", Change: "1", ChangePercent: "0.01", Sequence: 9, Timestamp: [new Date(0), 0] });

    assert.deepEqual(t.log.at(-1), ["quote", "BTC-USD", 9, "gap", 7]);
  });

  test("a refused subscribe rejects with the hub's reason and subscribes nothing", async () => {
    const t = setup();
    await connected(t);
    t.hub().refused.set("ETH-USD", "'ETH-USD' is not included in your API key's entitlements.");

    await assert.rejects(t.connection.subscribe(["BTC-USD", "ETH-USD"]), { message: "'ETH-USD' is not included in your API key's entitlements." });

    assert.deepEqual(t.connection.symbols, []);
    assert.deepEqual(t.log, []);
  });

  test("subscribing while not connected says to connect first", async () => {
    const t = setup();
    await assert.rejects(t.connection.subscribe(["BTC-USD"]), /connect first/);
  });

  test("unsubscribe drops the symbol at once, tells the hub, and ignores its late quotes", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "ETH-USD"]);

    await t.connection.unsubscribe(["eth-usd"]);
    t.hub().push(t.feed.quote("ETH-USD"));

    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
    assert.deepEqual(t.log.at(-1), ["unsubscribed", null, "ETH-USD"]);
    assert.deepEqual(t.hub().invocations.at(-1), ["Unsubscribe", ["ETH-USD"]]);
  });

  test("a symbol with no quote yet is subscribed all the same, and its first quote is taken", async () => {
    const t = setup();
    await connected(t);
    t.hub().empty.add("ACME");

    assert.deepEqual(await t.connection.subscribe(["acme"]), []);
    t.hub().push(t.feed.quote("ACME"));

    assert.deepEqual(t.connection.symbols, ["ACME"]);
    assert.deepEqual(t.log, [["subscribed", "ACME"], ["quote", "ACME", 1, "first", 0]]);
  });

  test("the server's Unsubscribed drops the symbols with its reason, and their late quotes are ignored", async () => {
    const t = setup();
    await connected(t);
    await t.connection.subscribe(["BTC-USD", "ACME"]);

    t.hub().unsubscribed(["ACME", "NEVER-HELD"], "instrument removed");
    t.hub().push(t.feed.quote("ACME"));
    await t.clock.advance(60_000);
    t.hub().serverClose();
    await t.clock.advance(0);

    assert.deepEqual(t.connection.symbols, ["BTC-USD"]);
    assert.deepEqual(t.log.at(-1), ["unsubscribed", "instrument removed", "ACME"]);
    assert.deepEqual(t.hub().calls("Resume").at(-1), [{ Symbol: "BTC-USD", Sequence: 1 }], "not resumed after the reconnect");
  });

  test("history reads the server's history of a symbol with the session's token", async () => {
    const t = setup();
    await connected(t);
    for (let i = 0; i < 5; i++) t.feed.quote("BTC-USD");

    const quotes = await t.connection.history("btc-usd", { since: 2, limit: 2 });

    assert.deepEqual(quotes.map((q) => q.sequence), [3, 4]);
    assert.deepEqual(t.api.calls.at(-1), ["history", "jwt-1", "BTC-USD", 2, 2]);
  });

  test("quotes for symbols never subscribed are ignored", async () => {
    const t = setup();
    await connected(t);
    t.hub().push(t.feed.quote("SOL-USD"));
    assert.deepEqual(t.log, []);
  });
});
