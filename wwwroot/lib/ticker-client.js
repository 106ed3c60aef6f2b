// SignalRTicker's browser client: live quotes from a SignalRTicker server, on a page it serves or on another site's
// (whose origin the server lists in Cors:AllowedOrigins).
//
//   import { TickerClient } from "https://ticker.example.com/lib/ticker-client.js";
//   const client = new TickerClient({ apiKey: "stk_…", symbols: ["BTC-USD", "ETH-USD"] });
//   client.on("quote", (quote) => console.log(quote.symbol, quote.price));
//   client.start();
//
// It exchanges the key (or takes tokens from your provider), connects to the hub with single-use tickets, renews its
// token on the live connection, reconnects with backoff, resumes each symbol from its last sequence, drops repeats
// and counts gaps. It loads the official SignalR client (@microsoft/signalr, and its MessagePack protocol when asked
// for) from beside itself on the same server, so a page needs this one import. docs/embedding.md has the details.

import { ApiError, ErrorKind, createApi } from "./ticker-client/api.js";
import { State, StopReason, TickerConnection, errorKind, explainError, isHubRefusal } from "./ticker-client/connection.js";
import { Arrival, mergeQuotes } from "./ticker-client/sequence.js";
import { Events } from "./ticker-client/events.js";
import { normaliseSymbol } from "./ticker-client/wire.js";

export { ApiError, Arrival, ErrorKind, State, StopReason, errorKind, explainError, mergeQuotes };

/** The hub protocols: JSON, or the binary MessagePack. */
export const Protocol = Object.freeze({ JSON: "json", MESSAGEPACK: "messagepack" });

/** How often the instrument list (and with it each instrument's `stale` flag) is read while connected, by default. */
export const DEFAULT_INSTRUMENTS_POLL_MS = 3_000;

const HUB_PATH = "hubs/ticker";
const SIGNALR_URL = new URL("./signalr/signalr.min.js", import.meta.url).href;
const MESSAGEPACK_URL = new URL("./signalr/signalr-protocol-msgpack.min.js", import.meta.url).href;

/**
 * A quote, in the hub's JSON shape whichever protocol carried it.
 * @typedef {object} Quote
 * @property {string} symbol
 * @property {number} price
 * @property {number | null} change against the instrument's reference price
 * @property {number | null} changePercent
 * @property {number} sequence rises by one per quote of the symbol
 * @property {string} timestamp ISO 8601
 * @property {number} [bid]
 * @property {number} [ask]
 */

/**
 * An instrument as `GET /api/symbols` lists it; `price`, `timestamp` and `sequence` are null before its first quote.
 * @typedef {object} Instrument
 * @property {string} symbol
 * @property {number | null} price
 * @property {string | null} timestamp
 * @property {number | null} sequence
 * @property {string} source `simulated`, `published`, or an upstream feed's name
 * @property {boolean} stale true while its upstream feed is disconnected
 */

/**
 * What a token provider gives: the token endpoint's answer `{ accessToken, expiresIn }` (seconds), the JWT alone, or
 * null for "no token" (the session ends as refused).
 * @typedef {string | { accessToken: string, expiresIn?: number } | null} ProvidedToken
 */

/**
 * @typedef {object} TickerClientOptions
 * @property {string | URL} [server] the server's address; by default the server this module was loaded from
 * @property {string} [apiKey] exchanged at `POST /api/auth/token`; anyone who can read the page can read it too
 * @property {() => ProvidedToken | Promise<ProvidedToken>} [accessToken] instead of `apiKey`: called whenever a token
 *   is needed (at start, before the current one expires, after the server refused one), so it should return a fresh
 *   one each time; throw an error whose `kind` is `"refused"` to end the session, any other error is retried
 * @property {string[]} [symbols] subscribed once connected (one at a time if the server refuses the batch)
 * @property {"json" | "messagepack"} [protocol] the hub protocol; `json` by default
 * @property {number} [instrumentsPollMs] how often to read the instrument list while connected, for the
 *   `instruments` and `stale` events; 0 turns it off
 */

/**
 * @typedef {object} StateEvent
 * @property {"disconnected" | "connecting" | "connected" | "reconnecting"} state
 * @property {string} previous
 * @property {"stopped" | "refused" | "revoked" | null} reason why a session ended (with `disconnected`)
 * @property {Error | null} error what made it so, if anything
 * @property {number} attempt failed attempts since the connection was last up
 * @property {number | null} retryAt when the next attempt starts (`Date.now()` clock)
 */

/**
 * @typedef {object} ErrorEvent
 * @property {Error} error
 * @property {string} message what went wrong, in words a person can act on
 * @property {"start" | "connection" | "subscribe" | "token renewal" | "token refresh"} during
 * @property {number | null} retryAt when the client tries again, or null when it does not (or need not)
 * @property {string[]} [symbols] the symbols a refused subscription named
 */

/**
 * @typedef {object} TickerClientEvents
 * @property {(quote: Quote, info: { arrival: string, missed: number }) => void} quote each quote of a subscribed
 *   symbol, in sequence order, never twice; `missed` counts quotes skipped (a gap) and `arrival` is an Arrival
 * @property {(event: StateEvent) => void} state every change, and every new retry while not connected
 * @property {(event: { symbols: string[] }) => void} subscribed symbols added
 * @property {(event: { symbols: string[], reason: string | null }) => void} unsubscribed symbols removed: `reason` is
 *   null when you asked, else the server's (an instrument removed, an entitlement lost)
 * @property {(event: { symbols: string[] }) => void} unrecovered after a reconnect, the server no longer held every
 *   quote these symbols had meanwhile: the quotes in between are lost
 * @property {(event: { at: number, expiresAt: number, removed: string[] }) => void} renewed the live connection took
 *   a new token
 * @property {(event: ErrorEvent) => void} error something failed; `retryAt` says whether the client rides it out
 * @property {(instruments: Instrument[]) => void} instruments the instrument list, read on connecting and every
 *   `instrumentsPollMs` while connected
 * @property {(event: { symbols: string[] }) => void} stale the instruments whose upstream feed is disconnected, when
 *   that set changes
 */

/** A live quote stream from a SignalRTicker server. */
export class TickerClient {
  #connection;
  #api;
  #timers;
  #protocol;
  #symbols;
  #credential;
  #pollMs;
  #needsSignalR; // false when a test's hubs stand in for SignalR's
  #signalR = null; // the SignalR client, once start() has loaded it
  #events = new Events();
  #starts = 0; // each start() and stop(); a start whose number is no longer current has been overtaken
  #wanted = new Set(); // the options' symbols not yet subscribed in this session
  #poll = { timer: null, round: 0 };
  #stale = new Set();
  #gaps = new Map(); // symbol -> gaps seen since it was subscribed
  #totalGaps = 0;

  /**
   * @param {TickerClientOptions} [options]
   * @param {object} [internals] replaces the browser's parts, for tests
   * @param {(options: { accessTokenFactory: () => Promise<string> | string }) => object} [internals.createHub]
   * @param {ReturnType<typeof createApi>} [internals.api]
   * @param {{ setTimeout: Function, clearTimeout: Function, now: () => number }} [internals.timers]
   * @param {() => number} [internals.random]
   */
  constructor(options = {}, { createHub = undefined, api = undefined, timers = undefined, random = undefined } = {}) {
    const settings = readOptions(options);
    this.#protocol = settings.protocol;
    this.#symbols = settings.symbols;
    this.#credential = settings.credential;
    this.#pollMs = settings.instrumentsPollMs;
    this.#needsSignalR = createHub === undefined;
    this.#timers = timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle),
      now: () => Date.now(),
    };
    this.#api = api ?? createApi({ baseUrl: settings.server, pageOrigin: globalThis.location?.origin });
    this.#connection = new TickerConnection({
      api: this.#api,
      createHub: createHub ?? ((hubOptions) => this.#buildHub(settings.server, hubOptions)),
      timers: this.#timers,
      random,
    });

    this.#connection.on("state", (event) => this.#onState(event));
    this.#connection.on("quote", (quote, info) => {
      if (info.missed > 0) {
        this.#gaps.set(quote.symbol, (this.#gaps.get(quote.symbol) ?? 0) + 1);
        this.#totalGaps++;
      }
      this.#events.emit("quote", quote, info);
    });
    this.#connection.on("unsubscribed", (event) => {
      for (const symbol of event.symbols) {
        this.#gaps.delete(symbol);
        this.#wanted.delete(symbol);
      }
      this.#events.emit("unsubscribed", event);
    });
    for (const name of ["subscribed", "unrecovered", "renewed"]) {
      this.#connection.on(name, (event) => this.#events.emit(name, event));
    }
    this.#connection.on("error", ({ error, during }) => this.#emitError(error, during));
  }

  /** @returns {"disconnected" | "connecting" | "connected" | "reconnecting"} */
  get state() {
    return this.#connection.state;
  }

  /** The subscribed symbols, in the order they were added. */
  get symbols() {
    return this.#connection.symbols;
  }

  /**
   * Listens to an event; returns a function that stops listening.
   * @template {keyof TickerClientEvents} K
   * @param {K} event
   * @param {TickerClientEvents[K]} handler
   * @returns {() => void}
   */
  on(event, handler) {
    return this.#events.on(event, handler);
  }

  /**
   * Connects, and stays connected until stop() or a refused credential. Resolves with the state it first settles in:
   * `connected`, or `disconnected` (the `state` and `error` events say why); failures it rides out (the server down, a
   * 429) are `error` events with a `retryAt`. Rejects only when the SignalR client cannot be loaded, or with a
   * TypeError when there is no credential.
   * @param {{ apiKey?: string, accessToken?: TickerClientOptions["accessToken"] }} [credentials] replaces the
   *   options' credential, e.g. for a key typed into the page
   * @returns {Promise<"connected" | "disconnected">}
   */
  async start(credentials = undefined) {
    const credential = credentials === undefined ? this.#credential : readCredential(credentials);
    if (!credential) throw new TypeError("start() needs an apiKey or an accessToken provider, in the options or here.");
    const attempt = ++this.#starts;
    try {
      await this.#loadSignalR();
    } catch (error) {
      if (attempt === this.#starts) this.#emitError(error, "start");
      throw error;
    }
    if (attempt !== this.#starts) return this.#connection.state; // stop() or another start() came first
    const settled = this.#connection.start(credential); // which drops the previous session's subscriptions
    this.#wanted = new Set(this.#symbols);
    return settled;
  }

  /** Closes the connection; nothing retries. The subscriptions are kept until the next start(). */
  async stop() {
    this.#starts++;
    this.#stopPolling();
    await this.#connection.stop();
  }

  /**
   * Subscribes to more symbols, all or nothing as the hub does; resolves with their latest quotes. A refusal (an
   * unknown symbol, one the key is not entitled to, over 50) rejects with the server's reason. Needs a connection.
   * @param {string | string[]} symbols
   * @returns {Promise<Quote[]>}
   */
  subscribe(symbols) {
    return this.#connection.subscribe(list(symbols));
  }

  /**
   * Drops symbols at once (their late quotes are ignored), and tells the server if connected.
   * @param {string | string[]} symbols
   */
  unsubscribe(symbols) {
    const gone = list(symbols);
    for (const symbol of gone) this.#wanted.delete(symbol);
    return this.#connection.unsubscribe(gone);
  }

  /**
   * A symbol's quotes from the server's history with `sequence` greater than `since`, oldest first, at most `limit`
   * (at most 1000). Needs a started client (it uses the session's token), not a connection.
   * @param {string} symbol
   * @param {{ since?: number, limit?: number }} [range]
   * @returns {Promise<Quote[]>}
   */
  history(symbol, { since = 0, limit = 100 } = {}) {
    return this.#connection.history(symbol, { since, limit });
  }

  /**
   * The instruments the credential may see, read now.
   * @returns {Promise<Instrument[]>}
   */
  async instruments() {
    return this.#api.symbols(await this.#connection.accessToken());
  }

  /**
   * The last sequence received of a symbol (null before its first quote): where to page history from.
   * @param {string} symbol
   * @returns {number | null}
   */
  lastSequence(symbol) {
    return this.#connection.lastSequence(symbol);
  }

  /**
   * Gaps seen: quotes skipped and not replayed after a reconnect, so truly lost. Of one symbol since it was
   * subscribed, or, with no symbol, of every symbol since the client was made.
   * @param {string} [symbol]
   * @returns {number}
   */
  gaps(symbol = undefined) {
    return symbol === undefined ? this.#totalGaps : (this.#gaps.get(normaliseSymbol(symbol)) ?? 0);
  }

  // ---------- the browser's parts ----------

  /** The SignalR client, from beside this module unless the page has loaded it already (a classic script tag). */
  async #loadSignalR() {
    if (!this.#needsSignalR || this.#signalR !== null) return;
    try {
      // The builds are UMD bundles that set self.signalR when run as a module.
      if (!globalThis.signalR?.HubConnectionBuilder) await import(SIGNALR_URL);
      if (this.#protocol === Protocol.MESSAGEPACK && !globalThis.signalR?.protocols?.msgpack) await import(MESSAGEPACK_URL);
    } catch (error) {
      throw new ApiError(`The SignalR client could not be loaded from ${new URL(SIGNALR_URL).origin}: ${error?.message ?? error}`, {
        kind: ErrorKind.UNREACHABLE, cause: error,
      });
    }
    if (!globalThis.signalR?.HubConnectionBuilder) {
      throw new ApiError(`${SIGNALR_URL} loaded but did not define signalR (does this page use an AMD loader?).`, {
        kind: ErrorKind.UNREACHABLE,
      });
    }
    this.#signalR = globalThis.signalR;
  }

  #buildHub(server, { accessTokenFactory }) {
    const signalR = this.#signalR;
    let builder = new signalR.HubConnectionBuilder()
      .withUrl(new URL(HUB_PATH, server).href, {
        accessTokenFactory,
        // Tokens travel in the header or the access_token query, never in cookies; this keeps CORS simple.
        withCredentials: false,
      })
      .configureLogging(signalR.LogLevel.Warning);
    if (this.#protocol === Protocol.MESSAGEPACK) {
      builder = builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
    }
    return builder.build();
  }

  // ---------- reacting to the connection ----------

  #onState(event) {
    if (event.state === State.CONNECTED) {
      this.#startPolling();
      void this.#subscribeWanted();
    } else {
      this.#stopPolling();
    }
    this.#events.emit("state", event);
    // A close that is retried at once (attempt 0) is routine, such as a server restarting: not worth an error.
    if (event.error && (event.attempt > 0 || event.state === State.DISCONNECTED)) {
      this.#emitError(event.error, "connection", event.retryAt);
    }
  }

  /** The options' symbols this session has not subscribed yet; refused ones are reported one by one and dropped. */
  async #subscribeWanted() {
    const wanted = [...this.#wanted].filter((symbol) => !this.#connection.symbols.includes(symbol));
    if (wanted.length === 0) return;
    const session = this.#starts;
    const batches = [wanted];
    while (batches.length > 0 && session === this.#starts && this.state === State.CONNECTED) {
      const batch = batches.shift();
      try {
        await this.#connection.subscribe(batch);
        for (const symbol of batch) this.#wanted.delete(symbol);
      } catch (error) {
        // A connection lost meanwhile tries again on the next connect.
        if (!isHubRefusal(error.cause)) return;
        if (batch.length > 1) {
          batches.push(...batch.map((symbol) => [symbol])); // all or nothing: find the ones allowed one at a time
          continue;
        }
        this.#wanted.delete(batch[0]);
        this.#emitError(error, "subscribe", null, batch);
      }
    }
  }

  #startPolling() {
    this.#stopPolling();
    if (this.#pollMs > 0) void this.#readInstruments(this.#poll.round);
  }

  #stopPolling() {
    this.#poll.round++;
    if (this.#poll.timer !== null) this.#timers.clearTimeout(this.#poll.timer);
    this.#poll.timer = null;
  }

  async #readInstruments(round) {
    let instruments = null;
    try {
      instruments = await this.instruments();
    } catch {
      // The list is a convenience: the connection's own events report a refused token or an unreachable server.
    }
    if (round !== this.#poll.round) return;
    if (instruments !== null) {
      this.#events.emit("instruments", instruments);
      const stale = new Set(instruments.filter((item) => item.stale === true).map((item) => item.symbol));
      if (stale.size !== this.#stale.size || [...stale].some((symbol) => !this.#stale.has(symbol))) {
        this.#stale = stale;
        this.#events.emit("stale", { symbols: [...stale] });
      }
    }
    this.#poll.timer = this.#timers.setTimeout(() => void this.#readInstruments(round), this.#pollMs);
  }

  // ---------- events ----------

  #emitError(error, during, retryAt = null, symbols = undefined) {
    this.#events.emit("error", { error, message: explainError(error), during, retryAt, ...(symbols ? { symbols } : {}) });
  }
}

/**
 * The options, checked: a bad one throws a TypeError naming it, at once rather than at the first connection.
 * @param {TickerClientOptions} options
 */
export function readOptions(options) {
  const { server, symbols = [], protocol = Protocol.JSON, instrumentsPollMs = DEFAULT_INSTRUMENTS_POLL_MS } = options ?? {};
  if (!Object.values(Protocol).includes(protocol)) {
    throw new TypeError(`protocol must be "json" or "messagepack", not ${JSON.stringify(protocol)}.`);
  }
  if (!Array.isArray(symbols) || symbols.some((symbol) => typeof symbol !== "string" || !symbol.trim())) {
    throw new TypeError("symbols must be an array of symbols, such as [\"BTC-USD\"].");
  }
  if (!Number.isFinite(instrumentsPollMs) || instrumentsPollMs < 0) {
    throw new TypeError("instrumentsPollMs must be a number of milliseconds, or 0 for never.");
  }
  return {
    server: serverUrl(server),
    credential: readCredential(options ?? {}, { optional: true }),
    symbols: [...new Set(symbols.map(normaliseSymbol))],
    protocol,
    instrumentsPollMs,
  };
}

/**
 * The server's base address with a trailing slash, so that API paths resolve under it; relative to the page, and by
 * default the server this module came from (it lives at lib/ticker-client.js there).
 */
export function serverUrl(server = undefined, base = globalThis.document?.baseURI ?? import.meta.url) {
  const url = new URL(server === undefined ? new URL("../", import.meta.url) : server, base);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`server must be an http or https address, not ${url.href}.`);
  }
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}

/** The API key, or the token provider; both at once is a mistake. */
function readCredential({ apiKey, accessToken }, { optional = false } = {}) {
  if (apiKey !== undefined && accessToken !== undefined) throw new TypeError("Give apiKey or accessToken, not both.");
  if (accessToken !== undefined) {
    if (typeof accessToken !== "function") throw new TypeError("accessToken must be a function that returns a token.");
    return accessToken;
  }
  if (apiKey !== undefined && (typeof apiKey !== "string" || !apiKey.trim())) throw new TypeError("apiKey must be a non-empty string.");
  if (apiKey === undefined && !optional) throw new TypeError("Give an apiKey or an accessToken provider.");
  return apiKey?.trim() ?? null;
}

/** One symbol or several, as the hub spells them. */
function list(symbols) {
  return (Array.isArray(symbols) ? symbols : [symbols]).map(normaliseSymbol);
}
