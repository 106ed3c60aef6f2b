// The live ticker page: wires the API, the connection and the view together. The key stays in this tab's memory
// only; it is exchanged for a short-lived token, and the hub connection uses a single-use ticket.

import { createApi } from "./api.js";
import { State, StopReason, TickerConnection } from "./connection.js";
import { isLive } from "./quotes.js";
import { createView, describeConnection } from "./view.js";

const DEFAULT_SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
const HUB_PATH = "hubs/ticker";
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
  if (event.state === State.DISCONNECTED && event.reason !== StopReason.STOPPED) view.focusKey();
});

async function onConnected() {
  const first = firstConnectOfSession;
  firstConnectOfSession = false;
  let symbols = [];
  try {
    symbols = (await api.symbols(await connection.accessToken())).map((item) => item.symbol);
    view.setSymbolList(symbols);
  } catch {
    // The list is a convenience; subscribing still works and explains a wrong symbol.
  }
  if (first && connection.symbols.length === 0) {
    const picks = DEFAULT_SYMBOLS.filter((symbol) => symbols.includes(symbol));
    const defaults = picks.length > 0 ? picks : symbols.slice(0, 3);
    if (defaults.length > 0) {
      await connection.subscribe(defaults).catch((error) => showBanner(error.message, "action"));
    }
  }
}

// ---------- subscriptions and quotes ----------

const lastQuoteAt = new Map(); // symbol -> when its last quote arrived, on this page's clock
const gaps = new Map();
let totalGaps = 0;

connection.on("subscribed", ({ symbols }) => {
  view.addRows(symbols);
});

connection.on("unsubscribed", ({ symbols, reason }) => {
  view.removeRows(symbols);
  for (const symbol of symbols) {
    lastQuoteAt.delete(symbol);
    gaps.delete(symbol);
  }
  if (reason) showBanner(`No longer subscribed to ${symbols.join(", ")}: ${reason}`, "action");
});

connection.on("quote", (quote, { missed }) => {
  lastQuoteAt.set(quote.symbol, Date.now());
  view.showQuote(quote);
  view.setLive(quote.symbol, connection.state === State.CONNECTED);
  if (missed > 0) {
    const count = (gaps.get(quote.symbol) ?? 0) + 1;
    gaps.set(quote.symbol, count);
    totalGaps++;
    view.showGaps(quote.symbol, count, totalGaps);
  }
});

/** Dims every row whose price is not live now: the connection is down, or its symbol has gone quiet. */
function sweepLiveness() {
  const now = Date.now();
  const connected = connection.state === State.CONNECTED;
  for (const symbol of connection.symbols) {
    view.setLive(symbol, isLive({ connected, lastQuoteAt: lastQuoteAt.get(symbol) ?? null, now }));
  }
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

view.onRemove(async (symbol) => {
  clearBanner();
  try {
    await connection.unsubscribe([symbol]);
  } catch (error) {
    showBanner(error.message, "action");
  }
});

renderConnection();
