// One ticker connection as one state machine: get a token, connect, resume, and on any close or failure go round
// again with backoff and jitter, until the caller stops or the key is refused. No DOM: the hub connection, the API
// and the clock are passed in, and everything the caller needs to know arrives as an event.
//
// After a reconnect the connection calls the hub's Resume with each symbol's last sequence: the server replays what
// its history still holds, so a short drop loses nothing and only quotes that are truly gone count as a gap.
//
// The server closes a connection when the token it holds expires. Before that, the connection gets a new token and
// hands it to the live connection (the hub's RefreshToken), so a long session never reconnects for a token; only when
// that fails does it fall back to reconnecting with a fresh token and ticket.
//
//   disconnected --start()--> connecting --up--> connected --closed--> reconnecting --up--> connected ...
//         ^                        |                  |                      |
//         +--- stop(), key refused (at start, on renewal, or after a revocation closed the connection) ---+
//
// SignalR's withAutomaticReconnect is not used: the server ends a connection whose token expired or was revoked with
// a close that forbids reconnecting, so that path needs this loop anyway, and one loop for every case is simpler.

import { ApiError, ErrorKind, readToken } from "./api.js";
import { SequenceTracker, Arrival, mergeQuotes } from "./sequence.js";
import { Events } from "./events.js";
import { normaliseQuote, normaliseRecovery, normaliseRefresh, normaliseSymbol } from "./wire.js";

export const State = Object.freeze({
  DISCONNECTED: "disconnected",
  CONNECTING: "connecting", // not connected yet in this session
  CONNECTED: "connected", // connected, and resumed what it had
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
  RESUME: "Resume",
  UNSUBSCRIBE: "Unsubscribe",
  REFRESH_TOKEN: "RefreshToken",
  QUOTE: "Quote",
  UNSUBSCRIBED: "Unsubscribed",
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

/** What went wrong, in words a person can act on. */
export function explainError(error) {
  if (error && typeof error.kind === "string") return error.message;
  if (isHubRefusal(error)) return hubReason(error);
  if (isHubRefusal(error?.cause)) return hubReason(error.cause); // subscribe() and unsubscribe() reject with these
  if (errorKind(error) === ErrorKind.RATE_LIMITED) return "Rate-limited: too many connection attempts from this address.";
  return "The server is not reachable right now.";
}

/**
 * The wait before retry number `attempt` (0 for the first): exponential, capped, with "equal jitter" (between half and
 * all of the step) so that many pages dropped at once do not come back at once.
 */
export function backoffDelay(attempt, { baseMs = 250, capMs = 10_000, random = Math.random } = {}) {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * How long before expiry to renew: a fifth of the lifetime, at most a minute; but a short token keeps at least half its
 * lifetime or 3 s, whichever is less, so that the token request and the hub call both fit before the server closes
 * the connection (its JWT times are whole seconds, so a token may expire up to a second early on this clock).
 */
export function renewalMargin(lifetimeMs) {
  return Math.min(60_000, Math.max(lifetimeMs / 5, Math.min(lifetimeMs / 2, 3_000)));
}

/** Renewals are never closer together than this, however short the token or slow the server. */
export const MIN_RENEWAL_DELAY_MS = 500;

/** The reason given for subscriptions a renewed token no longer allows (the server's own words for Unsubscribed). */
export const ENTITLEMENT_REMOVED = "entitlement removed";

/** The error of the close a node sends its connections as it shuts down (the server's own words). */
export const SERVER_SHUTTING_DOWN = "server shutting down";

/** True for the close of a node shutting down, which asks the client to reconnect at once (another node takes it). */
export function isShutdownClose(error) {
  return String(error?.message ?? "").includes(SERVER_SHUTTING_DOWN);
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
 * - `unsubscribed` `{ symbols, reason }`: symbols removed: `reason` is null when the caller asked, else why the server
 *   ended them (its `Unsubscribed` message: an instrument removed, an entitlement lost) or refused them on resuming.
 * - `quote` `(quote, { arrival, missed })`: a quote of a subscribed symbol, in the JSON shape, duplicates dropped;
 *   `arrival` is an Arrival, `missed` how many quotes a gap skipped.
 * - `unrecovered` `{ symbols }`: after a reconnect, the server no longer held every quote these symbols had since the
 *   connection's last one; the quotes in between are lost (the next quote's `missed` counts them).
 * - `renewed` `{ at, expiresAt, removed }`: the live connection took a new token in band, without reconnecting;
 *   `at` and `expiresAt` are on `timers.now()`'s clock; `removed` are the subscriptions it ended (also announced as
 *   `unsubscribed`).
 * - `error` `{ error, during }`: a token renewal that failed. `during` is "token renewal" when no new token could be
 *   had (retried while the connection's token lasts; the key refused ends the session as revoked instead), or
 *   "token refresh" when the hub refused the new token: the connection then reconnects with a fresh one.
 */
export class TickerConnection {
  #api;
  #createHub;
  #timers;
  #random;
  #backoff;
  #stableAfterMs;
  #events = new Events();

  #state = State.DISCONNECTED;
  #session = 0;
  #credential = null; // the API key, or the function that provides tokens
  #keyAccepted = false; // a token was issued in this session: a refusal now means the credential was revoked
  #everConnected = false;
  #hub = null;
  #token = null; // the newest: { value, expiresAt, lifetimeMs }
  #tokenRequest = null;
  #hubToken = null; // the one the live connection holds, while connected
  #refreshing = null; // the in-band refresh in flight
  #renewTimer = null;
  #renewFailures = 0; // token requests failed in a row while renewing
  #wake = null; // ends the current wait before a retry
  #closed = null; // resolved by the live hub connection's close
  #ticket = null; // this attempt's: it serves the negotiate and the connect of one connection

  #subscriptions = new Set(); // in the order subscribed; resumed after every reconnect
  #held = new Map(); // symbol -> its quotes pushed while its Subscribe or Resume was in flight
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

  /** The last sequence received of a symbol, or null before its first quote. */
  lastSequence(symbol) {
    return this.#tracker.last(normaliseSymbol(symbol));
  }

  on(event, handler) {
    return this.#events.on(event, handler);
  }

  /**
   * Starts a session with this credential, ending any previous one (its subscriptions are dropped: another key may
   * see other symbols). Resolves with the state the session first settles in: connected, or disconnected when the
   * credential is refused or stop() is called first.
   * @param {string | (() => unknown)} credential an API key, exchanged at the token endpoint; or a token provider,
   *   called whenever a token is needed, that returns what readToken reads (or throws an error whose `kind` is
   *   `refused` to end the session; any other error is retried)
   */
  start(credential) {
    const usable = typeof credential === "function" ? credential : String(credential ?? "").trim();
    if (!usable) throw new TypeError("start() needs an API key or a token provider.");

    void this.#teardown();
    this.#dropSubscriptions(null);
    this.#credential = usable;
    this.#keyAccepted = false;
    this.#everConnected = false;

    const session = this.#session;
    const hub = this.#createHub({ accessTokenFactory: () => this.#ticket ?? Promise.reject(new Error("No connection ticket.")) });
    hub.on(HubMethod.QUOTE, (quote) => {
      if (hub === this.#hub) this.#receive(normaliseQuote(quote));
    });
    hub.on(HubMethod.UNSUBSCRIBED, (symbols, reason) => {
      if (hub !== this.#hub || !Array.isArray(symbols)) return;
      const held = symbols.map(normaliseSymbol).filter((symbol) => this.#subscriptions.has(symbol));
      this.#dropSubscriptions(String(reason || "the server ended the subscription"), held);
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

  /**
   * The symbol's quotes after sequence `since`, oldest first, at most `limit`, from the server's history (the API's
   * errors as they are).
   */
  async history(symbol, { since = 0, limit = 100 } = {}) {
    return this.#api.history(await this.accessToken(), normaliseSymbol(symbol), { since, limit });
  }

  /** The session's access token (renewed when near expiry), for the HTTP API. */
  accessToken() {
    if (this.#credential === null) return Promise.reject(new Error("Not connected: start() first."));
    return this.#ensureToken().then((token) => token.value);
  }

  /**
   * Subscribes to more symbols (all or nothing, as the hub does); resolves with the snapshot of the newly subscribed
   * ones. A refusal rejects with the hub's reason as the message.
   */
  async subscribe(symbols) {
    const hub = this.#connectedHub();
    const requested = [...new Set(symbols.map(normaliseSymbol))];
    this.#hold(requested);
    try {
      const snapshot = (await hub.invoke(HubMethod.SUBSCRIBE, requested)).map(normaliseQuote);
      if (hub !== this.#hub) return snapshot;
      // Every symbol asked for is subscribed now, also one with no quote yet (its snapshot is empty).
      const added = requested.filter((symbol) => !this.#subscriptions.has(symbol));
      for (const symbol of added) this.#subscriptions.add(symbol);
      if (added.length > 0) this.#events.emit("subscribed", { symbols: added });
      for (const symbol of requested) this.#release(symbol, snapshot.filter((quote) => quote.symbol === symbol));
      return snapshot;
    } catch (error) {
      throw new Error(hubReason(error), { cause: error });
    } finally {
      for (const symbol of requested) this.#held.delete(symbol);
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
    this.#events.emit("unsubscribed", { symbols: gone, reason: null });
    const hub = this.#hub;
    if (this.#state === State.CONNECTED && hub) {
      try {
        await hub.invoke(HubMethod.UNSUBSCRIBE, gone);
      } catch (error) {
        // A connection lost meanwhile forgets them anyway, and the resume after reconnecting leaves them out.
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
        const token = await this.#ensureToken();
        this.#ticket = await this.#api.ticket(token.value);
        if (!live()) return;
        this.#closed = deferred();
        await hub.start();
        if (!live()) return;
        await this.#resume(hub);
        if (!live()) return;
        upSince = this.#timers.now();
        this.#everConnected = true;
        this.#hubToken = token;
        this.#setState(State.CONNECTED, { attempt: 0 });
        void this.#refreshHub(session); // a newer token may have come while this one connected
        closeError = await this.#closed.promise;
        this.#hubToken = null;
        if (!live()) return;
        await hub.stop().catch(() => {}); // open still when a refused refresh asked for this reconnect
        if (!live()) return;
      } catch (error) {
        if (!live()) return;
        const kind = errorKind(error);
        if (kind === ErrorKind.REFUSED) {
          await this.#end(this.#keyAccepted ? StopReason.REVOKED : StopReason.REFUSED, error);
          return;
        }
        if (kind === ErrorKind.UNAUTHORIZED) this.#token = null; // the next attempt gets a new one
        await hub.stop().catch(() => {}); // a start or resume cut short may have left it half open
        if (!live()) return;
        const delay = error?.retryAfterMs ?? this.#delay(attempt);
        attempt++;
        this.#waitToRetry(this.#everConnected ? State.RECONNECTING : State.CONNECTING, error, attempt, delay);
        await this.#sleep(delay);
        continue;
      }

      // It was up and has closed: the token expired, the key was revoked, the server restarted, the network dropped, or
      // the hub refused a renewed token. After a connection that lasted, try again at once; one that closes as soon as
      // it opens backs off. A node shutting down asks for a reconnect at once however short the connection was, but
      // only the first close in a row skips the wait, so that a client sent back to that node cannot spin.
      this.#tracker.resync();
      attempt = this.#timers.now() - upSince >= this.#stableAfterMs ? 0 : attempt + 1;
      const delay = attempt === 0 || (attempt === 1 && isShutdownClose(closeError)) ? 0 : this.#delay(attempt - 1);
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

  /**
   * Resumes every symbol this connection had from its last sequence (0 for one that has had no quote yet); symbols
   * the hub now refuses are dropped and announced.
   */
  async #resume(hub) {
    const symbols = [...this.#subscriptions];
    if (symbols.length === 0) return;
    const last = new Map(this.#tracker.positions().map(({ symbol, sequence }) => [symbol, sequence]));
    // The server's SymbolPosition spelled as it is: MessagePack's contractless resolver matches names exactly, the
    // JSON protocol ignores their case.
    const position = (symbol) => ({ Symbol: symbol, Sequence: last.get(symbol) ?? 0 });
    try {
      await this.#resumeSymbols(hub, symbols.map(position));
      return;
    } catch (error) {
      if (!isHubRefusal(error)) throw error;
    }
    // Resume is all or nothing: find the ones still allowed one at a time.
    const refused = new Map();
    for (const symbol of symbols) {
      try {
        await this.#resumeSymbols(hub, [position(symbol)]);
      } catch (error) {
        if (!isHubRefusal(error)) throw error;
        refused.set(symbol, hubReason(error));
      }
    }
    if (refused.size > 0) this.#dropSubscriptions([...refused.values()].join(" "), [...refused.keys()]);
  }

  /**
   * The hub joins before it reads its history, so a quote pushed while Resume is in flight may also be in the replay:
   * pushed quotes are held until the answer is in, then both go through in sequence order, each once.
   */
  async #resumeSymbols(hub, positions) {
    const symbols = positions.map((position) => position.Symbol);
    this.#hold(symbols);
    try {
      const recoveries = (await hub.invoke(HubMethod.RESUME, positions)).map(normaliseRecovery);
      const lost = recoveries.filter((recovery) => !recovery.recovered).map((recovery) => recovery.symbol);
      if (lost.length > 0) this.#events.emit("unrecovered", { symbols: lost });
      for (const symbol of symbols) {
        this.#release(symbol, recoveries.find((recovery) => recovery.symbol === symbol)?.quotes ?? []);
      }
    } finally {
      for (const symbol of symbols) this.#held.delete(symbol);
    }
  }

  /** From now until #release, quotes pushed for these symbols wait. */
  #hold(symbols) {
    for (const symbol of symbols) {
      if (!this.#held.has(symbol)) this.#held.set(symbol, []);
    }
  }

  /** Takes `answered` (a snapshot or a replay) and what was pushed meanwhile, in sequence order, each quote once. */
  #release(symbol, answered) {
    const pushed = this.#held.get(symbol) ?? [];
    this.#held.delete(symbol);
    for (const quote of mergeQuotes(answered, pushed)) this.#receive(quote);
  }

  #receive(quote) {
    if (!quote || typeof quote.symbol !== "string") return;
    const held = this.#held.get(quote.symbol);
    if (held) {
      held.push(quote); // its Subscribe or Resume has not returned yet
      return;
    }
    if (!this.#subscriptions.has(quote.symbol)) return;
    const result = this.#tracker.accept(quote.symbol, quote.sequence);
    if (result.arrival !== Arrival.DUPLICATE) this.#events.emit("quote", quote, result);
  }

  #dropSubscriptions(reason, symbols = [...this.#subscriptions]) {
    if (symbols.length === 0) return;
    for (const symbol of symbols) {
      this.#subscriptions.delete(symbol);
      this.#tracker.forget(symbol);
    }
    this.#events.emit("unsubscribed", { symbols, reason });
  }

  #connectedHub() {
    if (this.#state !== State.CONNECTED || !this.#hub) throw new Error("Not connected: connect first, then add symbols.");
    return this.#hub;
  }

  // ---------- credentials ----------

  /**
   * The current token, or a new one when there is none or it is near expiry; concurrent callers share one request.
   * A new token is handed to the live connection at once, whoever asked for it.
   */
  #ensureToken(force = false) {
    const token = this.#token;
    if (!force && token && this.#timers.now() < token.expiresAt - renewalMargin(token.lifetimeMs)) {
      return Promise.resolve(token);
    }
    if (!this.#tokenRequest) {
      const session = this.#session;
      // Timed from the request, not the answer: the token's lifetime started somewhere in between.
      const requestedAt = this.#timers.now();
      const request = this.#issue().then(
        (issued) => {
          const fresh = { value: issued.accessToken, expiresAt: requestedAt + issued.lifetimeMs, lifetimeMs: issued.lifetimeMs };
          if (session === this.#session) {
            this.#tokenRequest = null;
            this.#keyAccepted = true;
            this.#renewFailures = 0;
            this.#token = fresh;
            const due = fresh.expiresAt - renewalMargin(fresh.lifetimeMs) - this.#timers.now();
            this.#scheduleRenewal(session, Math.max(MIN_RENEWAL_DELAY_MS, due));
            void this.#refreshHub(session);
          }
          return fresh;
        },
        (error) => {
          if (session === this.#session) this.#tokenRequest = null;
          throw error;
        });
      this.#tokenRequest = request;
    }
    return this.#tokenRequest;
  }

  /** A new token from the API key, or from the token provider: `{ accessToken, lifetimeMs }`. */
  async #issue() {
    const credential = this.#credential;
    if (typeof credential !== "function") return this.#api.token(credential);
    const token = readToken(await credential());
    if (!token) {
      throw new ApiError("The token provider gave no access token.", { kind: ErrorKind.REFUSED });
    }
    return token;
  }

  #scheduleRenewal(session, delay) {
    if (this.#renewTimer !== null) this.#timers.clearTimeout(this.#renewTimer);
    this.#renewTimer = this.#timers.setTimeout(() => {
      this.#renewTimer = null;
      if (session === this.#session) void this.#renew(session);
    }, delay);
  }

  /**
   * Gets a new token before the current one expires; #ensureToken hands it to the live connection. A token request
   * that fails is tried again while the connection's token lasts; after that the server closes the connection at
   * expiry and the loop reconnects with a fresh token, as after any close.
   */
  async #renew(session) {
    try {
      await this.#ensureToken(true);
    } catch (error) {
      if (session !== this.#session) return;
      if (errorKind(error) === ErrorKind.REFUSED) {
        await this.#end(StopReason.REVOKED, error);
        return;
      }
      this.#events.emit("error", { error, during: "token renewal" });
      const wait = error?.retryAfterMs ?? this.#delay(this.#renewFailures++);
      const expiresAt = (this.#hubToken ?? this.#token)?.expiresAt ?? 0;
      if (this.#timers.now() + wait < expiresAt) this.#scheduleRenewal(session, wait);
    }
  }

  /**
   * Hands the newest token to the live connection (the hub's RefreshToken) until the connection holds it; one call at
   * a time. A refusal falls back to reconnecting with a fresh token; a connection that closes meanwhile reconnects
   * with the newest token anyway.
   */
  #refreshHub(session) {
    // A call in flight checks again for the newest token before it ends.
    this.#refreshing ??= this.#refreshUntilCurrent(session).finally(() => {
      if (session === this.#session) this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refreshUntilCurrent(session) {
    await null; // runs after #refreshHub has noted the call in flight
    for (;;) {
      const hub = this.#hub;
      const token = this.#token;
      const held = this.#hubToken;
      if (session !== this.#session || this.#state !== State.CONNECTED || !hub || !token || !held || held === token) return;
      if (!(await this.#refreshOnce(session, hub, token))) return;
    }
  }

  /** One RefreshToken call; true when the connection took the token. */
  async #refreshOnce(session, hub, token) {
    let result;
    try {
      result = normaliseRefresh(await hub.invoke(HubMethod.REFRESH_TOKEN, token.value));
    } catch (error) {
      // A call cut short by a close is not a refusal: the loop reconnects with the newest token.
      if (session !== this.#session || hub !== this.#hub || this.#hubToken === null || hub.state !== "Connected") return false;
      this.#events.emit("error", { error, during: "token refresh" });
      if (this.#token === token) this.#token = null; // the reconnect asks for a fresh one
      this.#closed?.resolve(new Error(
        `The connection did not take its renewed token (${hubReason(error)}); reconnecting with a new one.`, { cause: error }));
      return false;
    }
    if (session !== this.#session || hub !== this.#hub || this.#hubToken === null) return false;
    this.#hubToken = token;
    const removed = result.removed.filter((symbol) => this.#subscriptions.has(symbol));
    this.#dropSubscriptions(ENTITLEMENT_REMOVED, removed);
    this.#events.emit("renewed", { at: this.#timers.now(), expiresAt: token.expiresAt, removed });
    return true;
  }

  // ---------- ending ----------

  async #end(reason, error) {
    if (this.#state === State.DISCONNECTED && this.#hub === null) return;
    const stopping = this.#teardown();
    this.#credential = null;
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
    this.#hubToken = null;
    this.#refreshing = null;
    this.#renewFailures = 0;
    this.#ticket = null;
    this.#held.clear();
    const hub = this.#hub;
    this.#hub = null;
    return hub ? hub.stop().catch(() => {}) : Promise.resolve();
  }

  // ---------- events ----------

  #setState(state, { reason = null, error = null, attempt = 0, retryAt = null }) {
    const previous = this.#state;
    this.#state = state;
    this.#events.emit("state", { state, previous, reason, error, attempt, retryAt });
  }
}
