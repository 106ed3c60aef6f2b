// The live ticker page: exchanges an API key for a short-lived token, streams quotes over SignalR and draws them
// once per animation frame. Data from the server is only ever written with textContent.
"use strict";

(() => {
  const HUB_URL = "hubs/ticker";
  const DEFAULT_SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
  const SPARK_POINTS = 60;
  const RETRY_CAP_MS = 10_000;
  // ?protocol=messagepack speaks the binary MessagePack hub protocol instead of JSON.
  const USE_MESSAGEPACK = new URLSearchParams(location.search).get("protocol") === "messagepack";

  const $ = (id) => document.getElementById(id);
  const ui = {
    connectForm: $("connect-form"),
    apiKey: $("api-key"),
    connect: $("connect"),
    disconnect: $("disconnect"),
    status: document.querySelector("[data-testid=status]"),
    statusText: document.querySelector("[data-testid=status] .status-text"),
    error: $("error"),
    subscribeForm: $("subscribe-form"),
    symbolInput: $("symbol-input"),
    symbolList: $("symbol-list"),
    subscribe: $("subscribe"),
    rows: $("quote-rows"),
    empty: $("empty"),
    gaps: $("gaps"),
    transport: $("transport"),
    rowTemplate: $("row-template"),
  };

  /** Everything the page knows lives here, in memory only: nothing is written to storage or the URL. */
  const state = {
    apiKey: null,
    token: null, // { value, expiresAt (ms), lifetimeMs }
    tokenRequest: null, // the token fetch in flight, shared by concurrent callers
    refreshTimer: 0,
    connection: null,
    wanted: [], // symbols the person subscribed to, in order; re-subscribed after every reconnect
    rows: new Map(), // symbol -> row view model
    subscribing: new Map(), // symbol -> latest quote that arrived before Subscribe returned
    pending: new Map(), // symbol -> latest quote not drawn yet
    frame: 0,
    totalGaps: 0,
    entitled: null, // symbols this key may subscribe to, from GET /api/symbols
    session: 0, // bumps on connect/disconnect so stale retries stop
  };

  // ---------- errors a person can act on ----------

  class PageError extends Error {
    constructor(message, { fatal = false } = {}) {
      super(message);
      this.fatal = fatal; // retrying will not help (bad or revoked key)
    }
  }

  function showError(message) {
    ui.error.textContent = message;
    ui.error.hidden = false;
  }

  function clearError() {
    ui.error.textContent = "";
    ui.error.hidden = true;
  }

  function setStatus(state, detail) {
    ui.status.dataset.state = state;
    ui.statusText.textContent = detail ? `${state} · ${detail}` : state;
  }

  /** HubException messages arrive as "An unexpected error occurred invoking 'X' on the server. HubException: reason". */
  function hubReason(error) {
    const message = String(error && error.message || error);
    const marker = "HubException: ";
    const at = message.indexOf(marker);
    return at >= 0 ? message.slice(at + marker.length) : message;
  }

  function isUnauthorized(error) {
    return !!error && (error.statusCode === 401 || /\b401\b/.test(String(error.message)));
  }

  // ---------- tokens ----------

  async function requestToken() {
    let response;
    try {
      response = await fetch("api/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ apiKey: state.apiKey }),
        cache: "no-store",
      });
    } catch {
      const server = new URL(document.baseURI).origin;
      const hint = server === location.origin ? ""
        : ` If it is running, check that its Cors:AllowedOrigins setting includes ${location.origin}.`;
      throw new PageError(`The server at ${server} is not reachable; the page keeps trying.${hint}`);
    }

    const body = await response.json().catch(() => ({}));
    if (response.status === 401 || response.status === 400) {
      throw new PageError(`That API key was not accepted: ${body.detail || body.title || "check it and try again."}`, { fatal: true });
    }
    if (response.status === 429) {
      const wait = Number(response.headers.get("Retry-After")) || 0;
      throw new PageError(`Too many token requests; trying again${wait ? ` in ${wait} s` : " shortly"}.`);
    }
    if (!response.ok || !body.accessToken) {
      throw new PageError(`The server could not issue a token (HTTP ${response.status}); the page keeps trying.`);
    }

    const lifetimeMs = Math.max(1, Number(body.expiresIn) || 60) * 1000;
    state.token = { value: body.accessToken, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
    scheduleRefresh();
    return state.token.value;
  }

  /** Refresh when less than a fifth of the lifetime (at most a minute) is left. */
  function nearExpiry(token) {
    const margin = Math.min(60_000, token.lifetimeMs / 5);
    return Date.now() >= token.expiresAt - margin;
  }

  /** The current token, or a fresh one when there is none, it is near expiry, or `force` says it was rejected. */
  function freshToken(force = false) {
    if (!force && state.token && !nearExpiry(state.token)) {
      return Promise.resolve(state.token.value);
    }
    if (!state.tokenRequest) {
      state.tokenRequest = requestToken().finally(() => { state.tokenRequest = null; });
    }
    return state.tokenRequest;
  }

  /**
   * A token is only read when a connection starts, so keep one ready: when the server closes the connection at
   * expiry, the reconnect does not wait for a token, and a revoked key is noticed early.
   */
  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    const token = state.token;
    const session = state.session;
    const due = Math.max(1000, token.expiresAt - Math.min(60_000, token.lifetimeMs / 5) - Date.now());
    state.refreshTimer = setTimeout(() => {
      if (session !== state.session) return;
      freshToken(true).catch((error) => {
        if (error.fatal) {
          showError(`Your token expired and could not be renewed. ${error.message}`);
        }
        // Otherwise the next connection start tries again.
      });
    }, due);
  }

  /** A 30-second, single-use ticket for the hub's access_token query, bought with the current token. */
  async function connectionTicket() {
    const token = await freshToken();
    let response;
    try {
      response = await fetch("api/auth/ticket", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
        cache: "no-store",
      });
    } catch {
      throw new PageError("The server is not reachable; the page keeps trying.");
    }
    if (response.status === 401) {
      state.token = null; // revoked or expired: the next attempt gets a new token
      const error = new Error("The token was refused (401) while asking for a connection ticket.");
      error.statusCode = 401;
      throw error;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok || !body.ticket) {
      throw new PageError(`The server could not issue a connection ticket (HTTP ${response.status}); the page keeps trying.`);
    }
    return body.ticket;
  }

  // ---------- connection ----------

  /** Exponential backoff with jitter, capped; retries for as long as the page is open. */
  function backoff(attempt) {
    const base = Math.min(RETRY_CAP_MS, 250 * 2 ** Math.min(attempt, 10));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * MessagePack quotes carry the server's property names (PascalCase), decimals as strings and the timestamp as
   * [Date, offset minutes]; this gives them the JSON shape the rest of the page reads.
   */
  function normaliseQuote(quote) {
    if (!USE_MESSAGEPACK || quote === null || typeof quote !== "object" || !("Symbol" in quote)) return quote;
    const stamp = Array.isArray(quote.Timestamp) ? quote.Timestamp[0] : quote.Timestamp;
    return {
      symbol: quote.Symbol,
      price: quote.Price,
      change: quote.Change,
      changePercent: quote.ChangePercent,
      sequence: Number(quote.Sequence),
      timestamp: stamp instanceof Date ? stamp.toISOString() : String(stamp),
    };
  }

  function buildConnection() {
    let builder = new signalR.HubConnectionBuilder()
      .withUrl(HUB_URL, {
        // A single-use ticket, not the token: the WebSocket URL carries it, and URLs end up in logs and histories.
        accessTokenFactory: () => connectionTicket(),
        // Tokens travel in the header or the access_token query, never in cookies; this keeps CORS simple.
        withCredentials: false,
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => {
          const reason = context.retryReason;
          if (reason instanceof PageError && reason.fatal) {
            return null; // the key itself was refused: stop, and let onclose say so
          }
          if (isUnauthorized(reason)) {
            state.token = null; // rejected: the factory fetches a new one for the next attempt
          }
          if (context.previousRetryCount >= 2) {
            showError("The server is not reachable; reconnecting by itself.");
          }
          return context.previousRetryCount === 0 ? 0 : backoff(context.previousRetryCount);
        },
      })
      .configureLogging(signalR.LogLevel.Warning);
    if (USE_MESSAGEPACK) {
      builder = builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
    }
    const connection = builder.build();

    connection.on("Quote", (quote) => onQuote(normaliseQuote(quote)));
    connection.onreconnecting(() => {
      setStatus("reconnecting");
      ui.transport.textContent = "connection lost; reconnecting";
    });
    connection.onreconnected(() => onConnected(connection, true));
    connection.onclose((error) => onClosed(connection, error));
    return connection;
  }

  async function connect() {
    const session = ++state.session;
    await stopConnection();
    state.token = null;
    clearError();
    setStatus("connecting");
    state.connection = buildConnection();
    await startWithRetry(state.connection, session, { freshTokenFirst: false });
  }

  /** Starts the connection, retrying with backoff until it works, the key is refused, or the person disconnects. */
  async function startWithRetry(connection, session, { freshTokenFirst }) {
    for (let attempt = 0; session === state.session; attempt++) {
      try {
        await freshToken(attempt === 0 && freshTokenFirst);
        if (session !== state.session) return;
        await connection.start();
        if (session !== state.session) {
          await connection.stop();
          return;
        }
        await onConnected(connection, false);
        return;
      } catch (error) {
        if (session !== state.session) return;
        if (error instanceof PageError && error.fatal) {
          state.token = null;
          setStatus("disconnected");
          showError(freshTokenFirst ? `Your session ended and could not be renewed. ${error.message}` : error.message);
          setConnectedUi(false);
          return;
        }
        if (isUnauthorized(error)) {
          state.token = null;
        }
        const delay = attempt === 0 && freshTokenFirst ? 0 : backoff(attempt);
        setStatus("connecting", `retry in ${Math.ceil(delay / 1000)} s`);
        if (attempt > 0 || !freshTokenFirst) {
          showError(error instanceof PageError ? error.message : "The server is not reachable right now; the page keeps trying.");
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function onConnected(connection, reconnected) {
    if (connection !== state.connection) return;
    setStatus("connected");
    clearError();
    setConnectedUi(true);
    ui.transport.textContent = `live since ${timeFormat.format(new Date())}`;
    await loadSymbols();

    // SignalR does not keep groups across connections: ask again for everything this page had.
    const symbols = state.wanted.length > 0 ? [...state.wanted] : null;
    if (symbols) {
      for (const symbol of symbols) {
        const row = state.rows.get(symbol);
        if (row) row.resync = true;
      }
      await subscribe(symbols, { quiet: reconnected });
    } else if (!reconnected) {
      await subscribeDefaults();
    }
  }

  function onClosed(connection, error) {
    if (connection !== state.connection) return;
    setConnectedUi(false);
    ui.transport.textContent = "not connected";
    if (state.apiKey === null) {
      setStatus("disconnected");
      return;
    }

    // Closed by the server (for example at token expiry) or reconnecting gave up: start again with a new token.
    setStatus("disconnected", "reconnecting soon");
    const session = state.session;
    const next = buildConnection();
    state.connection = next;
    startWithRetry(next, session, { freshTokenFirst: true }).catch((e) => showError(hubReason(e || error)));
  }

  async function stopConnection() {
    const connection = state.connection;
    state.connection = null;
    if (connection) {
      await connection.stop().catch(() => {});
    }
  }

  async function disconnect() {
    state.session++;
    state.apiKey = null;
    state.token = null;
    clearTimeout(state.refreshTimer);
    await stopConnection();
    setStatus("disconnected");
    setConnectedUi(false);
    ui.transport.textContent = "not connected";
  }

  function setConnectedUi(connected) {
    ui.symbolInput.disabled = !connected;
    ui.subscribe.disabled = !connected;
    ui.disconnect.hidden = state.apiKey === null;
    for (const row of state.rows.values()) row.remove.disabled = !connected;
  }

  // ---------- symbols ----------

  async function loadSymbols() {
    try {
      const token = await freshToken();
      const response = await fetch("api/symbols", { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
      if (!response.ok) return;
      const list = await response.json();
      ui.symbolList.replaceChildren(...list.map((item) => {
        const option = document.createElement("option");
        option.value = item.symbol;
        return option;
      }));
      state.entitled = list.map((item) => item.symbol);
    } catch {
      // The list is a convenience; subscribing still works and explains a wrong symbol.
    }
  }

  async function subscribeDefaults() {
    const entitled = state.entitled || [];
    const picks = DEFAULT_SYMBOLS.filter((s) => entitled.includes(s));
    const symbols = picks.length > 0 ? picks : entitled.slice(0, 3);
    if (symbols.length > 0) await subscribe(symbols, { quiet: true });
  }

  async function subscribe(symbols, { quiet = false } = {}) {
    const connection = state.connection;
    if (!connection || connection.state !== signalR.HubConnectionState.Connected) {
      if (!quiet) showError("Not connected: connect first, then add symbols.");
      return false;
    }
    for (const symbol of symbols) state.subscribing.set(symbol, null);
    try {
      const snapshot = (await connection.invoke("Subscribe", symbols)).map(normaliseQuote);
      // The snapshot names each symbol as the server normalised it.
      for (const { symbol } of snapshot) {
        if (!state.wanted.includes(symbol)) state.wanted.push(symbol);
        ensureRow(symbol);
      }
      for (const quote of snapshot) onQuote(quote);
      for (const symbol of symbols) {
        const early = state.subscribing.get(symbol);
        if (early) onQuote(early);
      }
      if (!quiet) clearError();
      return true;
    } catch (error) {
      showError(hubReason(error));
      return false;
    } finally {
      for (const symbol of symbols) state.subscribing.delete(symbol);
    }
  }

  async function unsubscribe(symbol) {
    state.wanted = state.wanted.filter((s) => s !== symbol);
    removeRow(symbol);
    const connection = state.connection;
    if (connection && connection.state === signalR.HubConnectionState.Connected) {
      try {
        await connection.invoke("Unsubscribe", [symbol]);
      } catch (error) {
        showError(hubReason(error));
      }
    }
  }

  // ---------- quotes ----------

  /** Counts sequence gaps on every quote, then keeps only the latest quote per symbol for the next frame. */
  function onQuote(quote) {
    const row = state.rows.get(quote.symbol);
    if (!row) {
      if (state.subscribing.has(quote.symbol)) state.subscribing.set(quote.symbol, quote);
      return;
    }

    if (row.resync) {
      // First quote after a reconnect: missed ticks of the same feed are a gap; a lower number means a restarted feed.
      row.resync = false;
      if (row.lastSequence !== null && quote.sequence > row.lastSequence + 1) addGaps(row, 1);
      row.lastSequence = quote.sequence;
    } else if (row.lastSequence === null) {
      row.lastSequence = quote.sequence;
    } else if (quote.sequence <= row.lastSequence) {
      return; // already seen: a Subscribe snapshot may repeat the latest quote
    } else {
      if (quote.sequence > row.lastSequence + 1) addGaps(row, 1);
      row.lastSequence = quote.sequence;
    }

    state.pending.set(quote.symbol, quote);
    if (!state.frame) state.frame = requestAnimationFrame(draw);
  }

  function addGaps(row, count) {
    row.gaps += count;
    state.totalGaps += count;
    row.gapsEl.hidden = false;
    row.gapsEl.textContent = `${row.gaps} gap${row.gaps === 1 ? "" : "s"}`;
    ui.gaps.textContent = `sequence gaps: ${state.totalGaps}`;
  }

  function draw() {
    state.frame = 0;
    const quotes = [...state.pending.values()];
    state.pending.clear();
    for (const quote of quotes) {
      const row = state.rows.get(quote.symbol);
      if (row) render(row, quote);
    }
  }

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
  let palette = null;

  /** The theme's colours, read once (and again when the colour scheme changes) rather than on every frame. */
  function colors() {
    if (!palette) {
      const styles = getComputedStyle(document.documentElement);
      const read = (name) => styles.getPropertyValue(name).trim();
      palette = { up: read("--up"), down: read("--down"), upBg: read("--up-bg"), downBg: read("--down-bg") };
    }
    return palette;
  }
  darkScheme.addEventListener("change", () => { palette = null; });
  const timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 1, hour12: false,
  });

  function decimalsFor(price) {
    const abs = Math.abs(price);
    return abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  }

  function formatNumber(value, decimals, signed) {
    const text = Number(value).toLocaleString(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    return signed && value > 0 ? `+${text}` : text;
  }

  function render(row, quote) {
    const price = Number(quote.price);
    const change = Number(quote.change);
    const decimals = decimalsFor(price);
    row.price.textContent = formatNumber(price, decimals, false);
    row.change.textContent = formatNumber(change, decimals, true);
    row.pct.textContent = `${formatNumber(Number(quote.changePercent), 2, true)}%`;
    row.time.textContent = timeFormat.format(new Date(quote.timestamp));
    row.time.dateTime = quote.timestamp;
    const direction = change > 0 ? "up" : change < 0 ? "down" : "";
    row.change.className = `num change ${direction}`;
    row.pct.className = `num pct ${direction}`;

    if (row.lastPrice !== null && price !== row.lastPrice) flash(row.price, price > row.lastPrice);
    row.lastPrice = price;
    row.history.push(price);
    if (row.history.length > SPARK_POINTS) row.history.shift();
    drawSparkline(row);
  }

  /** The Web Animations API restarts the flash on every move without forcing a layout. */
  function flash(cell, up) {
    cell.classList.toggle("up", up);
    cell.classList.toggle("down", !up);
    if (reducedMotion.matches) return;
    const color = up ? colors().upBg : colors().downBg;
    cell.animate([{ backgroundColor: color }, { backgroundColor: "transparent" }], { duration: 500, easing: "ease-out" });
  }

  function drawSparkline(row) {
    const canvas = row.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 120;
    const height = canvas.clientHeight || 32;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const points = row.history;
    if (points.length < 2) return;

    const min = Math.min(...points);
    const max = Math.max(...points);
    const span = max - min || 1;
    const step = width / (SPARK_POINTS - 1);
    const x0 = width - (points.length - 1) * step;
    const y = (p) => height - 3 - ((p - min) / span) * (height - 6);
    const rising = points[points.length - 1] >= points[0];

    ctx.beginPath();
    points.forEach((p, i) => (i === 0 ? ctx.moveTo(x0, y(p)) : ctx.lineTo(x0 + i * step, y(p))));
    ctx.lineWidth = 1.5;
    ctx.lineJoin = "round";
    ctx.strokeStyle = rising ? colors().up : colors().down;
    ctx.stroke();
  }

  // ---------- rows ----------

  function ensureRow(symbol) {
    if (state.rows.has(symbol)) return state.rows.get(symbol);
    const tr = ui.rowTemplate.content.firstElementChild.cloneNode(true);
    tr.dataset.symbol = symbol;
    tr.querySelector(".name").textContent = symbol;
    const remove = tr.querySelector(".remove");
    remove.setAttribute("aria-label", `Remove ${symbol}`);
    remove.title = `Remove ${symbol}`;
    remove.addEventListener("click", () => unsubscribe(symbol));
    const timeCell = tr.querySelector(".time");
    const time = document.createElement("time");
    timeCell.replaceChildren(time);
    const row = {
      tr,
      remove,
      price: tr.querySelector(".price"),
      change: tr.querySelector(".change"),
      pct: tr.querySelector(".pct"),
      time,
      canvas: tr.querySelector("canvas"),
      gapsEl: tr.querySelector(".row-gaps"),
      history: [],
      lastPrice: null,
      lastSequence: null,
      gaps: 0,
      resync: false,
    };
    time.textContent = "–";
    state.rows.set(symbol, row);
    ui.rows.append(tr);
    ui.empty.hidden = true;
    return row;
  }

  function removeRow(symbol) {
    const row = state.rows.get(symbol);
    if (!row) return;
    row.tr.remove();
    state.rows.delete(symbol);
    state.pending.delete(symbol);
    if (state.rows.size === 0) {
      ui.empty.textContent = "No symbols yet: add one above.";
      ui.empty.hidden = false;
    }
  }

  // ---------- wiring ----------

  ui.connectForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = ui.apiKey.value.trim();
    if (!key) {
      showError("Paste your API key first.");
      ui.apiKey.focus();
      return;
    }
    state.apiKey = key;
    ui.apiKey.value = ""; // the key now lives in this script's memory only
    ui.apiKey.placeholder = "connected with a key (paste another to switch)";
    for (const symbol of [...state.rows.keys()]) removeRow(symbol);
    state.wanted = [];
    state.entitled = null;
    connect();
  });

  ui.disconnect.addEventListener("click", () => {
    disconnect();
    ui.apiKey.placeholder = "stk_…";
  });

  ui.subscribeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const symbol = ui.symbolInput.value.trim().toUpperCase();
    if (!symbol) return;
    if (state.rows.has(symbol)) {
      ui.symbolInput.value = "";
      return;
    }
    if (await subscribe([symbol])) ui.symbolInput.value = "";
  });

  if (typeof signalR === "undefined") {
    showError("The SignalR client script did not load (lib/signalr/signalr.min.js); reload the page.");
  }
})();
