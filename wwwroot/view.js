// The page's DOM: reads the controls, renders the status, the banner, the rows and the chart of the selected row. Data
// from the server is only ever written with textContent. Each row keeps its symbol's recent quotes (live ones and any
// filled in from history); rows and the chart are drawn once per animation frame, whatever the rate of quotes.

import { ErrorKind, State, StopReason, errorKind, explainError, mergeQuotes } from "./lib/ticker-client.js";
import { NotLive, formatQuote, formatTime } from "./quotes.js";
import { drawSparkline, SPARK_POINTS } from "./chart.js";
import { CHART_POINTS, createPriceChart } from "./pricechart.js";

const KEY_PLACEHOLDER = {
  disconnected: "stk_…",
  connecting: "connecting with a key… (paste another to switch)",
  connected: "connected with a key (paste another to switch)",
  reconnecting: "reconnecting with a key… (paste another to switch)",
};

/** Failed reconnects before the banner speaks up: a routine reconnect (a token expired) should not flash an error. */
export const QUIET_RECONNECT_ATTEMPTS = 2;

/** What a row's tooltip says when its price is not live, by NotLive reason. */
const NOT_LIVE_TITLE = {
  [NotLive.OFFLINE]: "Not live: the connection is down; this is the last price received.",
  [NotLive.FEED]: "Stale: the server's upstream feed for this symbol is disconnected; this is the last price it sent.",
  [NotLive.WAITING]: "Waiting for the first quote.",
  [NotLive.QUIET]: "Not live: no quote for a while; this is the last price received.",
};

const NOT_RECOVERED_TITLE = "Quotes sent while the connection was down were no longer held by the server: they are lost.";

/**
 * The status line, the banner and the footer for one state event of the connection, at time `now`. Pure, so the
 * status's countdown and the banner's are the same number by construction: both come from one `seconds`.
 * `banner` undefined means "leave the banner as it is"; null means "clear what the connection put there".
 */
export function describeConnection({ state, reason = null, error = null, attempt = 0, retryAt = null }, now) {
  const seconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));
  if (state === State.CONNECTED) {
    return { state, detail: "", banner: null, transport: null, seconds };
  }
  if (state === State.DISCONNECTED) {
    if (reason === StopReason.REFUSED) {
      return { state, detail: "key refused", banner: explainError(error), transport: "not connected", seconds };
    }
    if (reason === StopReason.REVOKED) {
      const words = error?.detail ?? explainError(error);
      return { state, detail: "key revoked", banner: `Your API key is no longer accepted, so the page stopped: ${words}`, transport: "not connected", seconds };
    }
    return { state, detail: "", banner: null, transport: "not connected", seconds };
  }

  const detail = seconds > 0 ? `retry in ${seconds} s` : "";
  const transport = state === State.RECONNECTING ? "connection lost; reconnecting" : "not connected";
  const speaks = error !== null && (state === State.CONNECTING || attempt >= QUIET_RECONNECT_ATTEMPTS || errorKind(error) === ErrorKind.RATE_LIMITED);
  if (!speaks) {
    return { state, detail, banner: error === null ? null : undefined, transport, seconds };
  }
  const when = seconds > 0 ? `Trying again in ${seconds} s.` : "Trying again now.";
  return { state, detail, banner: `${explainError(error)} ${when}`, transport, seconds };
}

export function createView(doc = document) {
  const $ = (id) => doc.getElementById(id);
  const ui = {
    connectForm: $("connect-form"),
    apiKey: $("api-key"),
    connect: $("connect"),
    disconnect: $("disconnect"),
    status: doc.querySelector("[data-testid=status]"),
    statusText: doc.querySelector("[data-testid=status] .status-text"),
    error: $("error"),
    subscribeForm: $("subscribe-form"),
    symbolInput: $("symbol-input"),
    symbolList: $("symbol-list"),
    subscribe: $("subscribe"),
    table: $("quote-table"),
    rows: $("quote-rows"),
    empty: $("empty"),
    chart: $("chart"),
    chartSymbol: $("chart-symbol"),
    gaps: $("gaps"),
    transport: $("transport"),
    renewal: $("token-renewal"),
    renewed: $("token-renewed"),
    rowTemplate: $("row-template"),
  };
  const win = doc.defaultView;
  const rows = new Map(); // symbol -> row elements and the symbol's recent quotes
  const pending = new Set(); // symbols whose quotes changed since the last frame
  let frame = 0;
  let connected = false;
  let selected = null;
  let palette = null;
  const reducedMotion = win.matchMedia("(prefers-reduced-motion: reduce)");
  win.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    palette = null;
    chart.setColors(colors());
  });

  /** The theme's colours, read once (and again when the colour scheme changes) rather than on every frame. */
  function colors() {
    if (!palette) {
      const styles = win.getComputedStyle(doc.documentElement);
      const read = (name) => styles.getPropertyValue(name).trim();
      palette = {
        up: read("--up"), down: read("--down"), upBg: read("--up-bg"), downBg: read("--down-bg"),
        muted: read("--muted"), line: read("--line"), accent: read("--accent"),
      };
    }
    return palette;
  }

  const chart = createPriceChart(ui.chart, colors());

  function createRow(symbol) {
    const tr = ui.rowTemplate.content.firstElementChild.cloneNode(true);
    tr.dataset.symbol = symbol;
    tr.querySelector(".name").textContent = symbol;
    tr.setAttribute("aria-current", "false");
    tr.addEventListener("click", (event) => {
      if (!event.target.closest(".remove")) selectHandler(symbol);
    });
    tr.addEventListener("keydown", (event) => {
      if (event.target === tr && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        selectHandler(symbol);
      }
    });
    const remove = tr.querySelector(".remove");
    remove.setAttribute("aria-label", `Remove ${symbol}`);
    remove.title = `Remove ${symbol}`;
    remove.disabled = !connected;
    remove.addEventListener("click", () => removeHandler(symbol));
    const time = doc.createElement("time");
    time.textContent = "–";
    tr.querySelector(".time").replaceChildren(time);
    const row = {
      tr,
      remove,
      price: tr.querySelector(".price"),
      bid: tr.querySelector(".bid"),
      ask: tr.querySelector(".ask"),
      change: tr.querySelector(".change"),
      pct: tr.querySelector(".pct"),
      time,
      canvas: tr.querySelector("canvas"),
      gaps: tr.querySelector(".row-gaps"),
      staleMarker: tr.querySelector(".stale-marker"),
      notRecovered: tr.querySelector(".not-recovered"),
      quotes: [], // oldest first, one per sequence, at most CHART_POINTS
      lastPrice: null,
      book: false, // its latest quote has a bid or an ask
    };
    row.notRecovered.title = NOT_RECOVERED_TITLE;
    setLiveness(row, NotLive.WAITING);
    return row;
  }

  function setLiveness(row, reason) {
    row.tr.classList.toggle("not-live", reason !== null);
    row.tr.title = reason === null ? "" : NOT_LIVE_TITLE[reason];
    row.staleMarker.hidden = reason !== NotLive.FEED;
  }

  function draw() {
    frame = 0;
    for (const symbol of pending) {
      const row = rows.get(symbol);
      if (!row) continue;
      render(row);
      if (symbol === selected) chart.show(symbol, row.quotes);
    }
    pending.clear();
    ui.table.classList.toggle("with-book", [...rows.values()].some((row) => row.book));
  }

  function render(row) {
    const quote = row.quotes.at(-1);
    const prices = row.quotes.slice(-SPARK_POINTS).map((q) => Number(q.price)).filter(Number.isFinite);
    drawSparkline(row.canvas, prices, colors());
    row.canvas.dataset.points = String(prices.length);
    if (!quote) return;

    const text = formatQuote(quote);
    row.price.textContent = text.price;
    row.bid.textContent = text.bid;
    row.ask.textContent = text.ask;
    row.book = text.bid !== "" || text.ask !== "";
    row.change.textContent = text.change;
    row.pct.textContent = text.changePercent;
    row.time.textContent = formatTime(quote.timestamp);
    row.time.dateTime = String(quote.timestamp ?? "");
    row.change.className = `num change ${text.direction}`;
    row.pct.className = `num pct ${text.direction}`;

    const price = Number(quote.price);
    if (!Number.isFinite(price)) return;
    if (row.lastPrice !== null && price !== row.lastPrice) flash(row.price, price > row.lastPrice);
    row.lastPrice = price;
  }

  function schedule(symbol) {
    pending.add(symbol);
    if (!frame) frame = win.requestAnimationFrame(draw);
  }

  /** The Web Animations API restarts the flash on every move without forcing a layout. */
  function flash(cell, up) {
    cell.classList.toggle("up", up);
    cell.classList.toggle("down", !up);
    if (reducedMotion.matches) return;
    const color = up ? colors().upBg : colors().downBg;
    cell.animate([{ backgroundColor: color }, { backgroundColor: "transparent" }], { duration: 500, easing: "ease-out" });
  }

  function showEmpty() {
    ui.empty.hidden = rows.size > 0;
  }

  /** Marks `symbol`'s row as the charted one and draws its quotes; null empties the chart. */
  function select(symbol) {
    selected = symbol !== null && rows.has(symbol) ? symbol : null;
    for (const [name, row] of rows) row.tr.setAttribute("aria-current", String(name === selected));
    ui.chartSymbol.textContent = selected ?? "no symbol selected";
    if (selected === null) chart.clear();
    else chart.show(selected, rows.get(selected).quotes);
  }

  let removeHandler = () => {};
  let selectHandler = () => {};

  return {
    // ---------- what the person does ----------

    /** `handler(apiKey)` on Connect; the field is emptied at once, so the key lives in script memory only. */
    onConnect(handler) {
      ui.connectForm.addEventListener("submit", (event) => {
        event.preventDefault();
        const key = ui.apiKey.value.trim();
        ui.apiKey.value = "";
        handler(key);
      });
    },

    onDisconnect(handler) {
      ui.disconnect.addEventListener("click", () => handler());
    },

    /** `handler(symbol)` on Add; when it resolves true the field is emptied. */
    onSubscribe(handler) {
      ui.subscribeForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        const symbol = ui.symbolInput.value.trim().toUpperCase();
        if (symbol && (await handler(symbol))) ui.symbolInput.value = "";
      });
    },

    /** `handler(symbol)` when a row's remove button is pressed. */
    onRemove(handler) {
      removeHandler = handler;
    },

    /** `handler(symbol)` when a row is clicked (or Enter or Space pressed on it), to chart it. */
    onSelect(handler) {
      selectHandler = handler;
    },

    focusKey() {
      ui.apiKey.focus();
    },

    // ---------- connection ----------

    /**
     * One place sets the status, the key field, the buttons and the footer from the connection's state, so they
     * cannot disagree: with no session the key field asks for a key and there is nothing to disconnect.
     */
    showConnection({ state, detail = "", transport }) {
      connected = state === "connected";
      ui.status.dataset.state = state;
      ui.statusText.textContent = detail ? `${state} · ${detail}` : state;
      ui.apiKey.placeholder = KEY_PLACEHOLDER[state] ?? KEY_PLACEHOLDER.disconnected;
      ui.disconnect.hidden = state === "disconnected";
      ui.symbolInput.disabled = !connected;
      ui.subscribe.disabled = !connected;
      for (const row of rows.values()) row.remove.disabled = !connected;
      ui.transport.textContent = transport;
    },

    /**
     * The footer's note of the session's last token renewal: `failure` is null when the live connection took the new
     * token in band (it expires at `expiresAt`), or else the error that made it fall back to reconnecting or retrying.
     */
    showTokenRenewal({ at, expiresAt = null, failure = null }) {
      ui.renewal.hidden = false;
      ui.renewed.dateTime = at.toISOString();
      ui.renewed.dataset.state = failure === null ? "renewed" : "failed";
      ui.renewed.textContent = `token ${failure === null ? "renewed" : "renewal failed"} ${formatTime(at)}`;
      ui.renewed.title = failure === null
        ? `The access token was renewed on the live connection, without reconnecting${expiresAt ? `; the new one expires at ${formatTime(expiresAt)}` : ""}.`
        : failure;
    },

    /** A new session has not renewed its token yet. */
    clearTokenRenewal() {
      ui.renewal.hidden = true;
      ui.renewed.textContent = "";
      ui.renewed.removeAttribute("datetime");
      delete ui.renewed.dataset.state;
    },

    showError(message) {
      ui.error.textContent = message;
      ui.error.hidden = false;
    },

    clearError() {
      ui.error.textContent = "";
      ui.error.hidden = true;
    },

    // ---------- rows and the chart ----------

    hasRow(symbol) {
      return rows.has(symbol);
    },

    /** The charted symbol, or null. */
    get selected() {
      return selected;
    },

    select,

    addRows(symbols) {
      for (const symbol of symbols) {
        if (rows.has(symbol)) continue;
        const row = createRow(symbol);
        rows.set(symbol, row);
        ui.rows.append(row.tr);
      }
      showEmpty();
    },

    removeRows(symbols) {
      for (const symbol of symbols) {
        rows.get(symbol)?.tr.remove();
        rows.delete(symbol);
        pending.delete(symbol);
      }
      if (selected !== null && !rows.has(selected)) select(null);
      ui.empty.textContent = "No symbols yet: add one above.";
      showEmpty();
    },

    /** Adds quotes of one symbol (live ones, or a page of history, in any order and overlap) to its row. */
    showQuotes(symbol, quotes) {
      const row = rows.get(symbol);
      if (!row || quotes.length === 0) return;
      row.quotes = mergeQuotes(row.quotes, quotes, CHART_POINTS);
      schedule(symbol);
    },

    /** Forgets a row's quotes: its feed restarted, and its sequences with it. */
    clearQuotes(symbol) {
      const row = rows.get(symbol);
      if (row) row.quotes = [];
    },

    /** Dims a row whose price is not live, saying why (a NotLive, or null when live); a stale feed gets a marker. */
    setLiveness(symbol, reason) {
      const row = rows.get(symbol);
      if (row) setLiveness(row, reason);
    },

    /** Marks rows whose quotes from while the connection was down could not be recovered. */
    showNotRecovered(symbols) {
      for (const symbol of symbols) {
        const row = rows.get(symbol);
        if (row) row.notRecovered.hidden = false;
      }
    },

    showGaps(symbol, rowGaps, totalGaps) {
      const row = rows.get(symbol);
      if (row) {
        row.gaps.hidden = rowGaps === 0;
        row.gaps.textContent = `${rowGaps} gap${rowGaps === 1 ? "" : "s"}`;
      }
      ui.gaps.textContent = `sequence gaps: ${totalGaps}`;
    },

    setSymbolList(symbols) {
      const current = [...ui.symbolList.options].map((option) => option.value);
      if (current.length === symbols.length && current.every((symbol, i) => symbol === symbols[i])) return;
      ui.symbolList.replaceChildren(...symbols.map((symbol) => {
        const option = doc.createElement("option");
        option.value = symbol;
        return option;
      }));
    },
  };
}
