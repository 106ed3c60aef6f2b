// One ticker connection as one state machine: get a token, connect, resubscribe, and on any close or failure go round
// again with backoff and jitter, until the caller stops or the key is refused. No DOM: the hub connection, the API
// and the clock are passed in, and everything the caller needs to know arrives as an event.
//
//   disconnected --start()--> connecting --up--> connected --closed--> reconnecting --up--> connected ...
//         ^                        |                  |                      |
//         +--- stop(), key refused (at start, on renewal, or after a revocation closed the connection) ---+
//
// SignalR's withAutomaticReconnect is not used: the server ends a connection whose token expired or was revoked with
// a close that forbids reconnecting, so that path needs this loop anyway, and one loop for every case is simpler.

import { ErrorKind } from "./api.js";
import { SequenceTracker, Arrival, normaliseQuote, normaliseSymbol } from "./quotes.js";

export const State = Object.freeze({
  DISCONNECTED: "disconnected",
  CONNECTING: "connecting", // not connected yet in this session
  CONNECTED: "connected", // connected and resubscribed
  RECONNECTING: "reconnecting", // was connected in this session, and is trying to be again
});

/** Why a session ended; a disconnected state event carries one. */
export const StopReason = Object.freeze({
  STOPPED: "stopped", // the caller called stop()
  REFUSED: "refused", // the API key was never accepted
  REVOKED: "revoked", // the key was accepted earlier in this session and is refused now
});

/** The hub's method names (the server's ITickerHub and ITickerClient). */
export const HubMethod = Object.freeze({
  SUBSCRIBE: "Subscribe",
  UNSUBSCRIBE: "Unsubscribe",
  QUOTE: "Quote",
});

const REFUSAL_MARKER = "HubException: ";

/** True when the hub refused a call on purpose (a HubException), rather than the connection failing. */
export function isHubRefusal(error) {
  return String(error?.message ?? "").includes(REFUSAL_MARKER);
}

/** The hub's reason: "An unexpected error occurred invoking 'X' on the server. HubException: reason" gives "reason". */
export function hubReason(error) {
  const message = String(error?.message ?? error ?? "");
  const at = message.indexOf(REFUSAL_MARKER);
  return at >= 0 ? message.slice(at + REFUSAL_MARKER.length) : message;
}

/**
 * What an error means for the loop (an ErrorKind). The SignalR client reports a refused negotiate only in its
 * message ("Status code '401'"), so the status is read from there when the error carries none.
 */
export function errorKind(error) {
  if (error && typeof error.kind === "string") return error.kind;
  const status = error?.statusCode ?? Number(/Status code '(\d{3})'/.exec(String(error?.message ?? ""))?.[1]);
  if (status === 401) return ErrorKind.UNAUTHORIZED;
  if (status === 429) return ErrorKind.RATE_LIMITED;
  return ErrorKind.SERVER;
}

/**
 * The wait before retry number `attempt` (0 for the first): exponential, capped, with "equal jitter" (between half and
 * all of the step) so that many pages dropped at once do not come back at once.
 */
export function backoffDelay(attempt, { baseMs = 250, capMs = 10_000, random = Math.random } = {}) {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Renew when a fifth of the token's lifetime (at most a minute) is left. */
export function renewalMargin(lifetimeMs) {
  return Math.min(60_000, lifetimeMs / 5);
}

const defaultTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
  now: () => Date.now(),
};

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

/**
 * Events (subscribe with `on(name, handler)`, which returns a function that unsubscribes):
 * - `state` `{ state, previous, reason, error, attempt, retryAt }`: every change, and every new retry while not
 *   connected. `retryAt` (on `timers.now()`'s clock) is when the next attempt starts; `reason` is a StopReason when
 *   the state is disconnected; `error` is what made it so, if anything.
 * - `subscribed` `{ symbols }`: symbols added to this connection's subscriptions (in the server's spelling).
 * - `unsubscribed` `{ symbols, reason }`: symbols removed: `reason` is null when the caller asked, or the hub's reason
 *   when a resubscribe after reconnecting was refused for them.
 * - `quote` `(quote, { arrival, missed })`: a quote of a subscribed symbol, in the JSON shape, duplicates dropped;
 *   `arrival` is an Arrival, `missed` how many quotes a gap skipped.
 * - `error` `{ error, during }`: a failure that changes no state (a token renewal that will be retried).
 */
export class TickerConnection {
  #api;
  #createHub;
  #timers;
  #random;
  #backoff;
  #stableAfterMs;
  #listeners = new Map();

  #state = State.DISCONNECTED;
  #session = 0;
  #apiKey = null;
  #keyAccepted = false;
  #everConnected = false;
  #hub = null;
  #token = null; // { value, expiresAt, lifetimeMs }
  #tokenRequest = null;
  #renewTimer = null;
  #wake = null; // ends the current wait before a retry
  #closed = null; // resolved by the live hub connection's close
  #ticket = null; // this attempt's: it serves the negotiate and the connect of one connection

  #subscriptions = new Set(); // in the order subscribed; asked for again after every reconnect
  #pending = new Map(); // symbol -> its quotes that arrived while its Subscribe was in flight
  #tracker = new SequenceTracker();

  /**
   * @param {object} options
   * @param {{ token(apiKey: string): Promise<{accessToken: string, lifetimeMs: number}>, ticket(accessToken: string): Promise<string> }} options.api
   * @param {(options: { accessTokenFactory: () => Promise<string> | string }) => object} options.createHub builds a
   *   SignalR HubConnection (start, stop, invoke, on, onclose) that authenticates with `accessTokenFactory`
   * @param {{ setTimeout: Function, clearTimeout: Function, now: () => number }} [options.timers]
   * @param {() => number} [options.random]
   * @param {{ baseMs?: number, capMs?: number }} [options.backoff]
   * @param {number} [options.stableAfterMs] a connection that lasted this long is retried at once when it closes
   */
  constructor({ api, createHub, timers = defaultTimers, random = Math.random, backoff = {}, stableAfterMs = 2_000 }) {
    this.#api = api;
    this.#createHub = createHub;
    this.#timers = timers;
    this.#random = random;
    this.#backoff = backoff;
    this.#stableAfterMs = stableAfterMs;
  }

  get state() {
    return this.#state;
  }

  /** The subscribed symbols, in the order they were added. */
  get symbols() {
    return [...this.#subscriptions];
  }

  on(event, handler) {
    let handlers = this.#listeners.get(event);
    if (!handlers) {
      handlers = new Set();
      this.#listeners.set(event, handlers);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /**
   * Starts a session with this key, ending any previous one (its subscriptions are dropped: another key may see
   * other symbols). Resolves with the state the session first settles in: connected, or disconnected when the key
   * is refused or stop() is called first.
   */
  start(apiKey) {
    const key = String(apiKey ?? "").trim();
    if (!key) throw new TypeError("start() needs an API key.");

    void this.#teardown();
    this.#dropSubscriptions(null);
    this.#apiKey = key;
    this.#keyAccepted = false;
    this.#everConnected = false;

    const session = this.#session;
    const hub = this.#createHub({ accessTokenFactory: () => this.#ticket ?? Promise.reject(new Error("No connection ticket.")) });
    hub.on(HubMethod.QUOTE, (quote) => {
      if (hub === this.#hub) this.#receive(normaliseQuote(quote));
    });
    hub.onclose((error) => {
      if (hub === this.#hub) this.#closed?.resolve(error ?? null);
    });
    this.#hub = hub;

    const settled = new Promise((resolve) => {
      const off = this.on("state", ({ state }) => {
        if (state === State.CONNECTED || state === State.DISCONNECTED) {
          off();
          resolve(state);
        }
      });
    });
    this.#setState(State.CONNECTING, {});
    void this.#run(session, hub);
    return settled;
  }

  /** Ends the session: the connection closes and nothing retries. Subscriptions are kept until the next start(). */
  async stop() {
    await this.#end(StopReason.STOPPED, null);
  }

  /** The session's access token (renewed when near expiry), for the HTTP API. */
  accessToken() {
    if (this.#apiKey === null) return Promise.reject(new Error("Not connected: start() first."));
    return this.#ensureToken();
  }

  /**
   * Subscribes to more symbols (all or nothing, as the hub does); resolves with the snapshot of the newly subscribed
   * ones. A refusal rejects with the hub's reason as the message.
   */
  async subscribe(symbols) {
    const hub = this.#connectedHub();
    const requested = [...new Set(symbols.map(normaliseSymbol))];
    for (const symbol of requested) {
      if (!this.#pending.has(symbol)) this.#pending.set(symbol, []);
    }
    try {
      const snapshot = (await hub.invoke(HubMethod.SUBSCRIBE, requested)).map(normaliseQuote);
      if (hub !== this.#hub) return snapshot;
      const added = snapshot.map((quote) => quote.symbol).filter((symbol) => !this.#subscriptions.has(symbol));
      for (const symbol of added) this.#subscriptions.add(symbol);
      if (added.length > 0) this.#emit("subscribed", { symbols: added });
      // The snapshot first, then what was pushed while the call was in flight; the tracker drops repeats.
      for (const quote of snapshot) this.#receive(quote);
      for (const symbol of requested) {
        for (const quote of this.#pending.get(symbol) ?? []) this.#receive(quote);
      }
      return snapshot;
    } catch (error) {
      throw new Error(hubReason(error), { cause: error });
    } finally {
      for (const symbol of requested) this.#pending.delete(symbol);
    }
  }

  /** Drops symbols at once (their late quotes are ignored), then tells the hub if connected. */
  async unsubscribe(symbols) {
    const gone = [...new Set(symbols.map(normaliseSymbol))].filter((symbol) => this.#subscriptions.has(symbol));
    if (gone.length === 0) return;
    for (const symbol of gone) {
      this.#subscriptions.delete(symbol);
      this.#tracker.forget(symbol);
    }
    this.#emit("unsubscribed", { symbols: gone, reason: null });
    const hub = this.#hub;
    if (this.#state === State.CONNECTED && hub) {
      try {
        await hub.invoke(HubMethod.UNSUBSCRIBE, gone);
      } catch (error) {
        // A connection lost meanwhile forgets them anyway, and the resubscribe after reconnecting leaves them out.
        if (isHubRefusal(error)) throw new Error(hubReason(error), { cause: error });
      }
    }
  }

  // ---------- the loop ----------

  async #run(session, hub) {
    const live = () => this.#session === session;
    let attempt = 0; // failed attempts since the connection was last up for long enough
    while (live()) {
      let upSince = 0;
      let closeError = null;
      try {
        // The ticket is fetched here rather than in SignalR's accessTokenFactory, whose errors start() keeps only
        // as text; the API's errors say whether to retry.
        this.#ticket = await this.#api.ticket(await this.#ensureToken());
        if (!live()) return;
        this.#closed = deferred();
        await hub.start();
        if (!live()) return;
        await this.#resubscribe(hub);
        if (!live()) return;
        upSince = this.#timers.now();
        this.#everConnected = true;
        this.#setState(State.CONNECTED, { attempt: 0 });
        closeError = await this.#closed.promise;
        if (!live()) return;
      } catch (error) {
        if (!live()) return;
        const kind = errorKind(error);
        if (kind === ErrorKind.REFUSED) {
          await this.#end(this.#keyAccepted ? StopReason.REVOKED : StopReason.REFUSED, error);
          return;
        }
        if (kind === ErrorKind.UNAUTHORIZED) this.#token = null; // the next attempt gets a new one
        await hub.stop().catch(() => {}); // a start or resubscribe cut short may have left it half open
        if (!live()) return;
        const delay = error?.retryAfterMs ?? this.#delay(attempt);
        attempt++;
        this.#waitToRetry(this.#everConnected ? State.RECONNECTING : State.CONNECTING, error, attempt, delay);
        await this.#sleep(delay);
        continue;
      }

      // It was up and has closed: the token expired, the key was revoked, the server restarted or the network dropped.
      // After a connection that lasted, try again at once; one that closes as soon as it opens backs off.
      this.#tracker.resync();
      attempt = this.#timers.now() - upSince >= this.#stableAfterMs ? 0 : attempt + 1;
      const delay = attempt === 0 ? 0 : this.#delay(attempt - 1);
      this.#waitToRetry(State.RECONNECTING, closeError, attempt, delay);
      await this.#sleep(delay);
    }
  }

  #delay(attempt) {
    return backoffDelay(attempt, { ...this.#backoff, random: this.#random });
  }

  #waitToRetry(state, error, attempt, delay) {
    this.#setState(state, { error, attempt, retryAt: this.#timers.now() + delay });
  }

  #sleep(ms) {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = this.#timers.setTimeout(() => { this.#wake = null; resolve(); }, ms);
      this.#wake = () => { this.#timers.clearTimeout(handle); resolve(); };
    });
  }

  /** Asks again for every symbol this connection had; symbols the hub now refuses are dropped and announced. */
  async #resubscribe(hub) {
    const symbols = [...this.#subscriptions];
    if (symbols.length === 0) return;
    try {
      this.#receiveAll(await hub.invoke(HubMethod.SUBSCRIBE, symbols));
      return;
    } catch (error) {
      if (!isHubRefusal(error)) throw error;
    }
    // Subscribe is all or nothing: find the ones still allowed one at a time.
    const refused = new Map();
    for (const symbol of symbols) {
      try {
        this.#receiveAll(await hub.invoke(HubMethod.SUBSCRIBE, [symbol]));
      } catch (error) {
        if (!isHubRefusal(error)) throw error;
        refused.set(symbol, hubReason(error));
      }
    }
    if (refused.size > 0) this.#dropSubscriptions([...refused.values()].join(" "), [...refused.keys()]);
  }

  #receiveAll(quotes) {
    for (const quote of quotes) this.#receive(normaliseQuote(quote));
  }

  #receive(quote) {
    if (!quote || typeof quote.symbol !== "string") return;
    if (!this.#subscriptions.has(quote.symbol)) {
      this.#pending.get(quote.symbol)?.push(quote); // its Subscribe has not returned yet
      return;
    }
    const result = this.#tracker.accept(quote.symbol, quote.sequence);
    if (result.arrival !== Arrival.DUPLICATE) this.#emit("quote", quote, result);
  }

  #dropSubscriptions(reason, symbols = [...this.#subscriptions]) {
    if (symbols.length === 0) return;
    for (const symbol of symbols) {
      this.#subscriptions.delete(symbol);
      this.#tracker.forget(symbol);
    }
    this.#emit("unsubscribed", { symbols, reason });
  }

  #connectedHub() {
    if (this.#state !== State.CONNECTED || !this.#hub) throw new Error("Not connected: connect first, then add symbols.");
    return this.#hub;
  }

  // ---------- credentials ----------

  /** The current token, or a new one when there is none or it is near expiry; concurrent callers share one request. */
  #ensureToken(force = false) {
    const token = this.#token;
    if (!force && token && this.#timers.now() < token.expiresAt - renewalMargin(token.lifetimeMs)) {
      return Promise.resolve(token.value);
    }
    if (!this.#tokenRequest) {
      const session = this.#session;
      const request = this.#api.token(this.#apiKey).then(
        (issued) => {
          if (session === this.#session) {
            this.#tokenRequest = null;
            this.#keyAccepted = true;
            this.#token = { value: issued.accessToken, expiresAt: this.#timers.now() + issued.lifetimeMs, lifetimeMs: issued.lifetimeMs };
            this.#scheduleRenewal(session);
          }
          return issued.accessToken;
        },
        (error) => {
          if (session === this.#session) this.#tokenRequest = null;
          throw error;
        });
      this.#tokenRequest = request;
    }
    return this.#tokenRequest;
  }

  /**
   * Renew before expiry, so that when the server closes the connection at expiry the reconnect has a token ready
   * (and a revoked key is noticed early). The connection keeps its old credential until then.
   */
  #scheduleRenewal(session) {
    if (this.#renewTimer !== null) this.#timers.clearTimeout(this.#renewTimer);
    const token = this.#token;
    const due = Math.max(1_000, token.expiresAt - renewalMargin(token.lifetimeMs) - this.#timers.now());
    this.#renewTimer = this.#timers.setTimeout(async () => {
      this.#renewTimer = null;
      if (session !== this.#session) return;
      try {
        await this.#ensureToken(true);
      } catch (error) {
        if (session !== this.#session) return;
        if (errorKind(error) === ErrorKind.REFUSED) {
          await this.#end(StopReason.REVOKED, error);
        } else {
          this.#emit("error", { error, during: "token renewal" }); // the reconnect at expiry tries again
        }
      }
    }, due);
  }

  // ---------- ending ----------

  async #end(reason, error) {
    if (this.#state === State.DISCONNECTED && this.#hub === null) return;
    const stopping = this.#teardown();
    this.#apiKey = null;
    this.#setState(State.DISCONNECTED, { reason, error });
    await stopping;
  }

  /** Ends the current session's loop, timers and connection, without announcing a state. */
  #teardown() {
    this.#session++;
    if (this.#renewTimer !== null) this.#timers.clearTimeout(this.#renewTimer);
    this.#renewTimer = null;
    this.#wake?.();
    this.#wake = null;
    this.#closed?.resolve(null);
    this.#closed = null;
    this.#token = null;
    this.#tokenRequest = null;
    this.#ticket = null;
    this.#pending.clear();
    const hub = this.#hub;
    this.#hub = null;
    return hub ? hub.stop().catch(() => {}) : Promise.resolve();
  }

  // ---------- events ----------

  #setState(state, { reason = null, error = null, attempt = 0, retryAt = null }) {
    const previous = this.#state;
    this.#state = state;
    this.#emit("state", { state, previous, reason, error, attempt, retryAt });
  }

  #emit(event, ...args) {
    for (const handler of [...(this.#listeners.get(event) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        // A failing handler must not stop the connection; report it where uncaught errors go.
        queueMicrotask(() => { throw error; });
      }
    }
  }
}
