// The page's DOM: reads the controls, renders the status, the banner and the rows. Data from the server is only ever
// written with textContent. Quotes are drawn once per animation frame, whatever their rate.

import { ErrorKind } from "./api.js";
import { State, StopReason, errorKind, hubReason, isHubRefusal } from "./connection.js";
import { formatQuote, formatTime } from "./quotes.js";
import { drawSparkline, SPARK_POINTS } from "./chart.js";

const KEY_PLACEHOLDER = {
  disconnected: "stk_…",
  connecting: "connecting with a key… (paste another to switch)",
  connected: "connected with a key (paste another to switch)",
  reconnecting: "reconnecting with a key… (paste another to switch)",
};

/** Failed reconnects before the banner speaks up: a routine reconnect (a token expired) should not flash an error. */
export const QUIET_RECONNECT_ATTEMPTS = 2;

/** What went wrong, in words a person can act on. */
export function explainError(error) {
  if (error && typeof error.kind === "string") return error.message;
  if (isHubRefusal(error)) return hubReason(error);
  if (errorKind(error) === ErrorKind.RATE_LIMITED) return "Rate-limited: too many connection attempts from this address.";
  return "The server is not reachable right now.";
}

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
    rows: $("quote-rows"),
    empty: $("empty"),
    gaps: $("gaps"),
    transport: $("transport"),
    rowTemplate: $("row-template"),
  };
  const win = doc.defaultView;
  const rows = new Map(); // symbol -> row elements and sparkline history
  const pending = new Map(); // symbol -> latest quote not drawn yet
  let frame = 0;
  let connected = false;
  let palette = null;
  const reducedMotion = win.matchMedia("(prefers-reduced-motion: reduce)");
  win.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => { palette = null; });

  /** The theme's colours, read once (and again when the colour scheme changes) rather than on every frame. */
  function colors() {
    if (!palette) {
      const styles = win.getComputedStyle(doc.documentElement);
      const read = (name) => styles.getPropertyValue(name).trim();
      palette = { up: read("--up"), down: read("--down"), upBg: read("--up-bg"), downBg: read("--down-bg") };
    }
    return palette;
  }

  function createRow(symbol, onRemove) {
    const tr = ui.rowTemplate.content.firstElementChild.cloneNode(true);
    tr.dataset.symbol = symbol;
    tr.classList.add("stale"); // not live until its first quote
    tr.querySelector(".name").textContent = symbol;
    const remove = tr.querySelector(".remove");
    remove.setAttribute("aria-label", `Remove ${symbol}`);
    remove.title = `Remove ${symbol}`;
    remove.disabled = !connected;
    remove.addEventListener("click", () => onRemove(symbol));
    const time = doc.createElement("time");
    time.textContent = "–";
    tr.querySelector(".time").replaceChildren(time);
    return {
      tr,
      remove,
      price: tr.querySelector(".price"),
      change: tr.querySelector(".change"),
      pct: tr.querySelector(".pct"),
      time,
      canvas: tr.querySelector("canvas"),
      gaps: tr.querySelector(".row-gaps"),
      history: [],
      lastPrice: null,
    };
  }

  function draw() {
    frame = 0;
    const quotes = [...pending.values()];
    pending.clear();
    for (const quote of quotes) {
      const row = rows.get(quote.symbol);
      if (row) render(row, quote);
    }
  }

  function render(row, quote) {
    const text = formatQuote(quote);
    row.price.textContent = text.price;
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
    row.history.push(price);
    if (row.history.length > SPARK_POINTS) row.history.shift();
    drawSparkline(row.canvas, row.history, colors());
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

  let removeHandler = () => {};

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

    showError(message) {
      ui.error.textContent = message;
      ui.error.hidden = false;
    },

    clearError() {
      ui.error.textContent = "";
      ui.error.hidden = true;
    },

    // ---------- rows ----------

    hasRow(symbol) {
      return rows.has(symbol);
    },

    addRows(symbols) {
      for (const symbol of symbols) {
        if (rows.has(symbol)) continue;
        const row = createRow(symbol, (s) => removeHandler(s));
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
      ui.empty.textContent = "No symbols yet: add one above.";
      showEmpty();
    },

    showQuote(quote) {
      pending.set(quote.symbol, quote);
      if (!frame) frame = win.requestAnimationFrame(draw);
    },

    /** Dims a row whose price is no longer live (disconnected, or no quote for a while). */
    setLive(symbol, live) {
      const row = rows.get(symbol);
      if (!row) return;
      row.tr.classList.toggle("stale", !live);
      row.tr.title = live ? "" : "Not live: this is the last price received.";
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
      ui.symbolList.replaceChildren(...symbols.map((symbol) => {
        const option = doc.createElement("option");
        option.value = symbol;
        return option;
      }));
    },
  };
}
