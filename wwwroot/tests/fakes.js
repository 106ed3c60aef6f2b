// Test doubles for connection.js: a clock whose timers run only when the test advances it, an API whose answers the
// test scripts, and a hub connection that behaves like SignalR's HubConnection as far as the connection uses it.

import { ApiError, ErrorKind } from "../lib/ticker-client/api.js";

/** Lets every pending promise continuation run (one macrotask turn drains the whole microtask queue). */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock {
  #now = 1_000_000;
  #timers = new Map();
  #nextId = 1;

  now = () => this.#now;

  setTimeout = (callback, ms) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Timers still waiting, soonest first, as delays from now. */
  get pending() {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time on by `ms`, running each timer that falls due in order and letting its continuations settle. */
  async advance(ms) {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.#timers.delete(id);
      this.#now = Math.max(this.#now, timer.at);
      timer.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Answers are queued per method; with none queued, token and ticket succeed. Every call is recorded. */
export class FakeApi {
  calls = [];
  tokenAnswers = [];
  ticketAnswers = [];
  lifetimeMs = 3_600_000;
  feed = null; // a FakeFeed, whose kept quotes history() serves
  clock = null; // a FakeClock, to know when each token expires
  #issued = 0;
  #expiries = new Map();

  async token(apiKey) {
    this.calls.push(["token", apiKey]);
    const answer = this.tokenAnswers.shift();
    if (answer instanceof Error) throw answer;
    if (answer) return answer;
    const accessToken = `jwt-${++this.#issued}`;
    if (this.clock) this.#expiries.set(accessToken, this.clock.now() + this.lifetimeMs);
    return { accessToken, lifetimeMs: this.lifetimeMs, symbols: ["*"] };
  }

  /** When a token this API issued expires, on the clock's time. */
  expiresAt(accessToken) {
    return this.#expiries.get(accessToken);
  }

  async ticket(accessToken) {
    this.calls.push(["ticket", accessToken]);
    const answer = this.ticketAnswers.shift();
    if (answer instanceof Error) throw answer;
    return answer ?? `tkt-for-${accessToken}`;
  }

  instruments = []; // what symbols() lists, or an Error it throws

  async symbols(accessToken) {
    this.calls.push(["symbols", accessToken]);
    if (this.instruments instanceof Error) throw this.instruments;
    return this.instruments.map((item) => ({ ...item }));
  }

  async history(accessToken, symbol, { since, limit }) {
    this.calls.push(["history", accessToken, symbol, since, limit]);
    return this.feed.history(symbol).filter((quote) => quote.sequence > since).slice(0, limit);
  }

  count(method) {
    return this.calls.filter(([name]) => name === method).length;
  }
}

export const refusedKey = () =>
  new ApiError("That API key was not accepted: The API key is unknown or has been revoked.", {
    kind: ErrorKind.REFUSED, status: 401, detail: "The API key is unknown or has been revoked.",
  });

export const rateLimited = (retryAfterMs) =>
  new ApiError("Rate-limited: Too many token requests from your address.", { kind: ErrorKind.RATE_LIMITED, status: 429, retryAfterMs });

export const unreachable = () => new ApiError("The server at http://127.0.0.1:1 is not reachable.", { kind: ErrorKind.UNREACHABLE });

export const tokenRefused = () => new ApiError("The token was refused.", { kind: ErrorKind.UNAUTHORIZED, status: 401 });

/** The message SignalR's client gives a HubException thrown by a hub method. */
export const hubRefusal = (method, reason) =>
  new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${reason}`);

/** Quotes with a sequence per symbol, as the server's feed would make them; it keeps the last `historySize` of each. */
export class FakeFeed {
  historySize = 1000;
  #sequences = new Map();
  #history = new Map();

  quote(symbol, { sequence = undefined, price = 100 } = {}) {
    const next = sequence ?? (this.#sequences.get(symbol) ?? 0) + 1;
    this.#sequences.set(symbol, next);
    const quote = { symbol, price, change: 1, changePercent: 1, sequence: next, timestamp: "2026-11-22T10:00:00.000+00:00" };
    const kept = (this.#history.get(symbol) ?? []).filter((q) => q.sequence < next);
    this.#history.set(symbol, [...kept, quote].slice(-this.historySize));
    return quote;
  }

  latest(symbol) {
    const last = this.#history.get(symbol)?.at(-1);
    return last ? { ...last } : this.quote(symbol, { sequence: 1 });
  }

  history(symbol) {
    return [...(this.#history.get(symbol) ?? [])];
  }

  /** What the hub's Resume answers for one position: every quote after it while kept, else the latest only. */
  recovery(symbol, since) {
    const kept = this.history(symbol);
    const last = this.#sequences.get(symbol) ?? 0;
    if (kept.length === 0 || since >= kept.at(-1).sequence) return { symbol, recovered: since >= last, quotes: [] };
    return since + 1 >= kept[0].sequence
      ? { symbol, recovered: true, quotes: kept.filter((q) => q.sequence > since) }
      : { symbol, recovered: false, quotes: [kept.at(-1)] };
  }
}

/**
 * Like SignalR's HubConnection: start() calls the accessTokenFactory (once for negotiate, once for the WebSocket),
 * stop() fires the close handlers, a server close fires them with the server's error. `startAnswers` queues failures.
 */
export class FakeHub {
  state = "Disconnected";
  startAnswers = [];
  invocations = [];
  credentials = [];
  refused = new Map(); // symbol -> reason the hub gives
  empty = new Set(); // symbols with no quote yet: Subscribe returns nothing for them
  refreshAnswers = []; // errors the hub's RefreshToken throws, one per call, before it takes tokens again
  removedOnRefresh = []; // symbols the next RefreshToken that succeeds says it unsubscribed
  held = null; // the access token the connection holds: the ticket's, then each one RefreshToken took
  duringInvoke = null; // runs while a call is in flight, e.g. to push a quote before Subscribe returns
  #handlers = new Map();
  #closeHandlers = [];

  constructor({ accessTokenFactory }, feed) {
    this.accessTokenFactory = accessTokenFactory;
    this.feed = feed;
  }

  on(method, handler) {
    this.#handlers.set(method, handler);
  }

  onclose(handler) {
    this.#closeHandlers.push(handler);
  }

  async start() {
    this.credentials.push(await this.accessTokenFactory());
    const answer = this.startAnswers.shift();
    if (answer instanceof Error) throw answer;
    const ticket = await this.accessTokenFactory();
    this.credentials.push(ticket);
    this.held = String(ticket).replace(/^tkt-for-/, "");
    this.state = "Connected";
  }

  async stop() {
    if (this.state === "Disconnected") return;
    this.state = "Disconnected";
    for (const handler of this.#closeHandlers) handler(undefined);
  }

  async invoke(method, args) {
    this.invocations.push([method, args]);
    if (this.state !== "Connected") throw new Error("Cannot send data if the connection is not in the 'Connected' State.");
    if (method === "Subscribe") {
      for (const symbol of args) {
        if (this.refused.has(symbol)) throw hubRefusal(method, this.refused.get(symbol));
      }
      // As the hub does: join, read the snapshot, and quotes pushed meanwhile may reach the client before the reply.
      const snapshot = args.filter((symbol) => !this.empty.has(symbol)).map((symbol) => this.feed.latest(symbol));
      this.duringInvoke?.(method, args);
      return snapshot;
    }
    if (method === "Resume") {
      for (const { Symbol: symbol } of args) {
        if (this.refused.has(symbol)) throw hubRefusal(method, this.refused.get(symbol));
      }
      // As the hub does: join first, so quotes pushed while it reads the history may also be in its answer.
      this.duringInvoke?.(method, args);
      return args.map(({ Symbol: symbol, Sequence: sequence }) => this.feed.recovery(symbol, sequence));
    }
    if (method === "RefreshToken") {
      this.duringInvoke?.(method, args);
      if (this.state !== "Connected") throw new Error("Invocation canceled due to the underlying connection being closed.");
      const answer = this.refreshAnswers.shift();
      if (answer instanceof Error) throw answer;
      this.held = args;
      const removed = this.removedOnRefresh.splice(0);
      return { expiresAt: "2026-11-22T10:00:05+00:00", symbols: ["*"], removed };
    }
    this.duringInvoke?.(method, args);
    return undefined;
  }

  /** The server pushes a quote. */
  push(quote) {
    this.#handlers.get("Quote")?.(quote);
  }

  /** The server ends subscriptions (an instrument removed, an entitlement lost). */
  unsubscribed(symbols, reason) {
    this.#handlers.get("Unsubscribed")?.(symbols, reason);
  }

  /** The server (or the network) ends the connection. */
  serverClose(error = undefined) {
    this.state = "Disconnected";
    for (const handler of this.#closeHandlers) handler(error);
  }

  calls(method) {
    return this.invocations.filter(([name]) => name === method).map(([, args]) => args);
  }
}

/** SignalR connections as TickerConnection's createHub makes them: FakeHubs on `feed`, each set up by `configure`. */
export function fakeHubs(feed, configure = (hub) => hub) {
  const hubs = [];
  const createHub = (options) => {
    const hub = new FakeHub(options, feed);
    configure(hub);
    hubs.push(hub);
    return hub;
  };
  return { hubs, createHub };
}
