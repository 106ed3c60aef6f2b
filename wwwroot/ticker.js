// The live ticker page: wires the API, the connection and the view together. The key stays in this tab's memory
// only; it is exchanged for a short-lived token, and the hub connection uses a single-use ticket.

import { createApi } from "./api.js";
import { State, StopReason, TickerConnection } from "./connection.js";
import { Arrival, liveness } from "./quotes.js";
import { SPARK_POINTS } from "./chart.js";
import { CHART_POINTS } from "./pricechart.js";
import { createView, describeConnection, explainError } from "./view.js";

const DEFAULT_SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
const HUB_PATH = "hubs/ticker";
// The server: the one that served this page, unless a copy of the page hosted on another origin names it in
// <meta name="ticker-server" content="https://ticker.example.com/"> (that origin must be in its Cors:AllowedOrigins).
const SERVER_URL = new URL(document.querySelector('meta[name="ticker-server"]')?.content || ".", document.baseURI).href;
// ?protocol=messagepack speaks the binary MessagePack hub protocol instead of JSON.
const USE_MESSAGEPACK = new URLSearchParams(location.search).get("protocol") === "messagepack";
const LIVENESS_SWEEP_MS = 1_000;
// The server does not push a change of an instrument's stale flag, so the page reads GET /api/symbols this often while
// connected: one small request that also keeps the symbol suggestions current as instruments come and go.
const SYMBOLS_POLL_MS = 3_000;

const view = createView(document);
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** Which part of the page put the banner up: the connection clears its own when it recovers, never a person's. */
let bannerSource = null;

function showBanner(message, source) {
  view.showError(message);
  bannerSource = source;
}

function clearBanner(source = undefined) {
  if (source === undefined || bannerSource === source) {
    view.clearError();
    bannerSource = null;
  }
}

if (typeof signalR === "undefined") {
  showBanner("The SignalR client script did not load (lib/signalr/signalr.min.js); reload the page.", "page");
  throw new Error("signalR is not defined");
}

const api = createApi({ baseUrl: SERVER_URL, pageOrigin: location.origin });

const connection = new TickerConnection({
  api,
  createHub: ({ accessTokenFactory }) => {
    let builder = new signalR.HubConnectionBuilder()
      .withUrl(new URL(HUB_PATH, SERVER_URL).href, {
        accessTokenFactory,
        // Tokens travel in the header or the access_token query, never in cookies; this keeps CORS simple.
        withCredentials: false,
      })
      .configureLogging(signalR.LogLevel.Warning);
    if (USE_MESSAGEPACK) {
      builder = builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
    }
    return builder.build();
  },
});

// ---------- connection state: status, banner and countdown ----------

let lastState = { state: State.DISCONNECTED, reason: null, error: null, attempt: 0, retryAt: null };
let liveSince = null;
let countdown = 0;
let firstConnectOfSession = true;

function renderConnection() {
  clearTimeout(countdown);
  const now = Date.now();
  const shown = describeConnection(lastState, now);
  view.showConnection({
    state: shown.state,
    detail: shown.detail,
    transport: shown.transport ?? `live since ${timeFormat.format(liveSince)}`,
  });
  if (shown.banner === null) clearBanner("connection");
  else if (shown.banner !== undefined) showBanner(shown.banner, "connection");
  if (shown.seconds > 0) {
    // Again when the shown number of seconds changes, so the status and the banner count down together.
    const untilNextSecond = (lastState.retryAt - now) % 1000 || 1000;
    countdown = setTimeout(renderConnection, untilNextSecond);
  }
}

connection.on("state", (event) => {
  lastState = event;
  if (event.state === State.CONNECTED) liveSince = new Date();
  renderConnection();
  sweepLiveness();
  if (event.state === State.CONNECTED) onConnected();
  else clearTimeout(symbolsPoll);
  if (event.state === State.DISCONNECTED && event.reason !== StopReason.STOPPED) view.focusKey();
});

async function onConnected() {
  const first = firstConnectOfSession;
  firstConnectOfSession = false;
  const symbols = await refreshSymbols();
  if (first && connection.symbols.length === 0) {
    const picks = DEFAULT_SYMBOLS.filter((symbol) => symbols.includes(symbol));
    const defaults = picks.length > 0 ? picks : symbols.slice(0, 3);
    if (defaults.length > 0) {
      await connection.subscribe(defaults).catch((error) => showBanner(error.message, "action"));
    }
  }
}

// ---------- the instrument list: suggestions and stale feeds ----------

let staleSymbols = new Set(); // symbols whose upstream feed the server last called disconnected
let symbolsPoll = 0;

/** Reads GET /api/symbols now and again every SYMBOLS_POLL_MS while connected; resolves with the symbols listed. */
async function refreshSymbols() {
  clearTimeout(symbolsPoll);
  let listed = [];
  try {
    const instruments = await api.symbols(await connection.accessToken());
    listed = instruments.map((item) => item.symbol);
    view.setSymbolList(listed);
    staleSymbols = new Set(instruments.filter((item) => item.stale === true).map((item) => item.symbol));
    sweepLiveness();
  } catch {
    // The list is a convenience; subscribing still works and explains a wrong symbol.
  }
  if (connection.state === State.CONNECTED) {
    clearTimeout(symbolsPoll); // another refresh may have finished meanwhile: keep one timer
    symbolsPoll = setTimeout(refreshSymbols, SYMBOLS_POLL_MS);
  }
  return listed;
}

// ---------- subscriptions and quotes ----------

const lastQuoteAt = new Map(); // symbol -> when its last quote arrived, on this page's clock
const historyDepth = new Map(); // symbol -> how many quotes of history were asked for it
const gaps = new Map();
let totalGaps = 0;

connection.on("subscribed", ({ symbols }) => {
  view.addRows(symbols);
  if (view.selected === null) select(symbols[0]);
  sweepLiveness();
});

connection.on("unsubscribed", ({ symbols, reason }) => {
  view.removeRows(symbols);
  for (const symbol of symbols) {
    lastQuoteAt.delete(symbol);
    historyDepth.delete(symbol);
    gaps.delete(symbol);
  }
  if (view.selected === null && connection.symbols.length > 0) select(connection.symbols[0]);
  if (reason) showBanner(`No longer subscribed to ${symbols.join(", ")}: ${reason}${/[.!?]$/.test(reason) ? "" : "."}`, "action");
});

connection.on("quote", (quote, { arrival, missed }) => {
  lastQuoteAt.set(quote.symbol, Date.now());
  if (arrival === Arrival.RESTART) view.clearQuotes(quote.symbol);
  view.showQuotes(quote.symbol, [quote]);
  updateLiveness(quote.symbol, Date.now());
  // A row's first quote tells how far its history goes: fill its sparkline (and its chart, when selected) from there.
  if (arrival === Arrival.FIRST) fillHistory(quote.symbol, quote.sequence);
  if (missed > 0) {
    const count = (gaps.get(quote.symbol) ?? 0) + 1;
    gaps.set(quote.symbol, count);
    totalGaps++;
    view.showGaps(quote.symbol, count, totalGaps);
  }
});

connection.on("unrecovered", ({ symbols }) => view.showNotRecovered(symbols));

// ---------- token renewal: in band on the live connection, shown in the footer ----------

connection.on("renewed", ({ at, expiresAt }) => view.showTokenRenewal({ at: new Date(at), expiresAt: new Date(expiresAt) }));

connection.on("error", ({ error, during }) => {
  const next = during === "token refresh"
    ? "The page reconnects with a new token."
    : "The page tries again while the token lasts, and reconnects with a new one if it cannot.";
  view.showTokenRenewal({ at: new Date(), failure: `The token could not be renewed: ${explainError(error)} ${next}` });
});

/**
 * Reads the quotes before `latest` from the server's history into the symbol's row: enough for a sparkline, or for
 * the chart when it is the selected one. Each depth is asked for once per subscription.
 */
async function fillHistory(symbol, latest = connection.lastSequence(symbol)) {
  const depth = symbol === view.selected ? CHART_POINTS : SPARK_POINTS;
  if (latest === null || (historyDepth.get(symbol) ?? 0) >= depth) return;
  historyDepth.set(symbol, depth);
  try {
    const quotes = await connection.history(symbol, { since: Math.max(0, latest - depth), limit: depth });
    if (historyDepth.has(symbol)) view.showQuotes(symbol, quotes);
  } catch {
    historyDepth.delete(symbol); // the live quotes fill the row anyway; the next selection asks again
  }
}

function select(symbol) {
  view.select(symbol ?? null);
  if (symbol) fillHistory(symbol);
}

function updateLiveness(symbol, now) {
  view.setLiveness(symbol, liveness({
    connected: connection.state === State.CONNECTED,
    feedStale: staleSymbols.has(symbol),
    lastQuoteAt: lastQuoteAt.get(symbol) ?? null,
    now,
  }));
}

/** Dims every row whose price is not live now (see liveness), and marks those whose feed is stale. */
function sweepLiveness() {
  const now = Date.now();
  for (const symbol of connection.symbols) updateLiveness(symbol, now);
}

setInterval(sweepLiveness, LIVENESS_SWEEP_MS);

// ---------- what the person does: each action starts with a clean banner ----------

view.onConnect((key) => {
  clearBanner();
  if (!key) {
    showBanner("Paste your API key first.", "action");
    view.focusKey();
    return;
  }
  firstConnectOfSession = true;
  view.clearTokenRenewal();
  connection.start(key);
});

view.onDisconnect(() => {
  clearBanner();
  connection.stop();
});

view.onSubscribe(async (symbol) => {
  clearBanner();
  if (view.hasRow(symbol)) return true;
  try {
    await connection.subscribe([symbol]);
    return true;
  } catch (error) {
    showBanner(error.message, "action");
    return false;
  }
});

view.onSelect((symbol) => select(symbol));

view.onRemove(async (symbol) => {
  clearBanner();
  try {
    await connection.unsubscribe([symbol]);
  } catch (error) {
    showBanner(error.message, "action");
  }
});

renderConnection();
