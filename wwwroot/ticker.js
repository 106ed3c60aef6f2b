// The live ticker page: the published browser client (lib/ticker-client.js) and the view, wired together. The key
// stays in this tab's memory only; the client exchanges it for a short-lived token, and the hub connection uses a
// single-use ticket.

import { Arrival, Protocol, State, StopReason, TickerClient, explainError } from "./lib/ticker-client.js";
import { liveness } from "./quotes.js";
import { SPARK_POINTS } from "./chart.js";
import { CHART_POINTS } from "./pricechart.js";
import { createView, describeConnection } from "./view.js";

const DEFAULT_SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
// The server: the one that served this page, unless a copy of the page hosted on another origin names it in
// <meta name="ticker-server" content="https://ticker.example.com/"> (that origin must be in its Cors:AllowedOrigins).
const SERVER_URL = new URL(document.querySelector('meta[name="ticker-server"]')?.content || ".", document.baseURI).href;
// ?protocol=messagepack speaks the binary MessagePack hub protocol instead of JSON.
const USE_MESSAGEPACK = new URLSearchParams(location.search).get("protocol") === "messagepack";
const LIVENESS_SWEEP_MS = 1_000;

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

// The server does not push a change of an instrument's stale flag, so the client reads GET /api/symbols every few
// seconds while connected (its instrumentsPollMs): one small request that also keeps the symbol suggestions current
// as instruments come and go.
const client = new TickerClient({ server: SERVER_URL, protocol: USE_MESSAGEPACK ? Protocol.MESSAGEPACK : Protocol.JSON });

// ---------- connection state: status, banner and countdown ----------

let lastState = { state: State.DISCONNECTED, reason: null, error: null, attempt: 0, retryAt: null };
let liveSince = null;
let countdown = 0;
let pickDefaults = false; // until the first instrument list of a session that the person started

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

client.on("state", (event) => {
  lastState = event;
  if (event.state === State.CONNECTED) liveSince = new Date();
  renderConnection();
  sweepLiveness();
  if (event.state === State.DISCONNECTED && event.reason !== StopReason.STOPPED) view.focusKey();
});

// ---------- the instrument list: suggestions, defaults and stale feeds ----------

let staleSymbols = new Set(); // symbols whose upstream feed the server last called disconnected

client.on("instruments", (instruments) => {
  const symbols = instruments.map((item) => item.symbol);
  view.setSymbolList(symbols);
  if (pickDefaults && client.state === State.CONNECTED) {
    pickDefaults = false;
    if (client.symbols.length === 0) subscribeDefaults(symbols);
  }
});

client.on("stale", ({ symbols }) => {
  staleSymbols = new Set(symbols);
  sweepLiveness();
});

/** A new session starts with the usual symbols, or the first few the key may see. */
async function subscribeDefaults(symbols) {
  const picks = DEFAULT_SYMBOLS.filter((symbol) => symbols.includes(symbol));
  const defaults = picks.length > 0 ? picks : symbols.slice(0, 3);
  if (defaults.length > 0) {
    await client.subscribe(defaults).catch((error) => showBanner(error.message, "action"));
  }
}

// ---------- subscriptions and quotes ----------

const lastQuoteAt = new Map(); // symbol -> when its last quote arrived, on this page's clock
const historyDepth = new Map(); // symbol -> how many quotes of history were asked for it

client.on("subscribed", ({ symbols }) => {
  view.addRows(symbols);
  if (view.selected === null) select(symbols[0]);
  sweepLiveness();
});

client.on("unsubscribed", ({ symbols, reason }) => {
  view.removeRows(symbols);
  for (const symbol of symbols) {
    lastQuoteAt.delete(symbol);
    historyDepth.delete(symbol);
  }
  if (view.selected === null && client.symbols.length > 0) select(client.symbols[0]);
  if (reason) showBanner(`No longer subscribed to ${symbols.join(", ")}: ${reason}${/[.!?]$/.test(reason) ? "" : "."}`, "action");
});

client.on("quote", (quote, { arrival, missed }) => {
  lastQuoteAt.set(quote.symbol, Date.now());
  if (arrival === Arrival.RESTART) view.clearQuotes(quote.symbol);
  view.showQuotes(quote.symbol, [quote]);
  updateLiveness(quote.symbol, Date.now());
  // A row's first quote tells how far its history goes: fill its sparkline (and its chart, when selected) from there.
  if (arrival === Arrival.FIRST) fillHistory(quote.symbol, quote.sequence);
  if (missed > 0) view.showGaps(quote.symbol, client.gaps(quote.symbol), client.gaps());
});

client.on("unrecovered", ({ symbols }) => view.showNotRecovered(symbols));

// ---------- token renewal: in band on the live connection, shown in the footer ----------

client.on("renewed", ({ at, expiresAt }) => view.showTokenRenewal({ at: new Date(at), expiresAt: new Date(expiresAt) }));

client.on("error", ({ error, during }) => {
  // Connection failures reach the status and the banner through the state events.
  if (during !== "token renewal" && during !== "token refresh") return;
  const next = during === "token refresh"
    ? "The page reconnects with a new token."
    : "The page tries again while the token lasts, and reconnects with a new one if it cannot.";
  view.showTokenRenewal({ at: new Date(), failure: `The token could not be renewed: ${explainError(error)} ${next}` });
});

/**
 * Reads the quotes before `latest` from the server's history into the symbol's row: enough for a sparkline, or for
 * the chart when it is the selected one. Each depth is asked for once per subscription.
 */
async function fillHistory(symbol, latest = client.lastSequence(symbol)) {
  const depth = symbol === view.selected ? CHART_POINTS : SPARK_POINTS;
  if (latest === null || (historyDepth.get(symbol) ?? 0) >= depth) return;
  historyDepth.set(symbol, depth);
  try {
    const quotes = await client.history(symbol, { since: Math.max(0, latest - depth), limit: depth });
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
    connected: client.state === State.CONNECTED,
    feedStale: staleSymbols.has(symbol),
    lastQuoteAt: lastQuoteAt.get(symbol) ?? null,
    now,
  }));
}

/** Dims every row whose price is not live now (see liveness), and marks those whose feed is stale. */
function sweepLiveness() {
  const now = Date.now();
  for (const symbol of client.symbols) updateLiveness(symbol, now);
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
  pickDefaults = true;
  view.clearTokenRenewal();
  client.start({ apiKey: key }).catch((error) => showBanner(explainError(error), "page"));
});

view.onDisconnect(() => {
  clearBanner();
  client.stop();
});

view.onSubscribe(async (symbol) => {
  clearBanner();
  if (view.hasRow(symbol)) return true;
  try {
    await client.subscribe([symbol]);
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
    await client.unsubscribe([symbol]);
  } catch (error) {
    showBanner(error.message, "action");
  }
});

renderConnection();
