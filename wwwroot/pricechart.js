// The larger chart of the selected symbol, drawn by TradingView's Lightweight Charts (vendored in lib/, served by us).
//
// Each point's time is the quote's sequence, not its timestamp: the library wants strictly increasing times in whole
// seconds, while quotes come several a second and a publisher may give two the same timestamp. Sequences are unique
// and rising per symbol, the library spaces points evenly whatever their times, and the axis and crosshair labels
// show each point's real timestamp, looked up by its sequence.

import { ColorType, LineSeries, createChart } from "./lib/lightweight-charts/lightweight-charts.standalone.production.mjs";
import { decimalsFor, formatTime } from "./quotes.js";

/** Quotes the chart asks history for, and the most a symbol's series keeps. */
export const CHART_POINTS = 500;

/** Past this many points the chart is redrawn from the kept series instead of growing. */
const MAX_SHOWN = 2 * CHART_POINTS;

/**
 * How to bring a chart that shows `shown` (`{ symbol, first, last, count }`, or null for nothing) to `quotes` of
 * `symbol` (oldest first): append the quotes newer than its last point when it already shows this symbol from the
 * same start, else redraw them all (another symbol, older quotes filled in from history, or grown too long).
 */
export function planChart(shown, symbol, quotes, maxShown = MAX_SHOWN) {
  if (!shown || shown.symbol !== symbol || quotes.length === 0 || quotes[0].sequence < shown.first) {
    return { redraw: true, quotes };
  }
  const newer = quotes.filter((quote) => quote.sequence > shown.last);
  return shown.count + newer.length > maxShown ? { redraw: true, quotes } : { redraw: false, quotes: newer };
}

/** A chart in `container`; `colors` are the theme's `{ text, muted, line, accent }`. */
export function createPriceChart(container, colors) {
  const times = new Map(); // sequence -> timestamp of each point shown
  const label = (sequence) => formatTime(times.get(sequence));
  const chart = createChart(container, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: colors.muted, fontFamily: "inherit" },
    grid: { vertLines: { color: colors.line }, horzLines: { color: colors.line } },
    rightPriceScale: { borderColor: colors.line },
    timeScale: { borderColor: colors.line, tickMarkFormatter: (time) => label(time) },
    localization: { timeFormatter: (time) => label(time) },
  });
  const series = chart.addSeries(LineSeries, { color: colors.accent, lineWidth: 2 });
  let shown = null;

  const point = (quote) => {
    times.set(quote.sequence, quote.timestamp);
    return { time: quote.sequence, value: Number(quote.price) };
  };

  function report() {
    container.dataset.symbol = shown?.symbol ?? "";
    container.dataset.points = String(shown?.count ?? 0);
  }

  return {
    /** Shows `quotes` (oldest first, unique sequences) of `symbol`, appending when it can. */
    show(symbol, quotes) {
      const plan = planChart(shown, symbol, quotes);
      if (plan.redraw) {
        const fresh = shown?.symbol !== symbol || shown.count === 0;
        times.clear();
        series.setData(plan.quotes.map(point));
        const decimals = plan.quotes.length > 0 ? decimalsFor(Number(plan.quotes.at(-1).price)) : 2;
        series.applyOptions({ priceFormat: { type: "price", precision: decimals, minMove: 10 ** -decimals } });
        if (fresh) chart.timeScale().fitContent(); // a redraw of the same symbol keeps the person's zoom and scroll
        shown = plan.quotes.length > 0
          ? { symbol, first: plan.quotes[0].sequence, last: plan.quotes.at(-1).sequence, count: plan.quotes.length }
          : { symbol, first: Infinity, last: -Infinity, count: 0 };
      } else {
        for (const quote of plan.quotes) series.update(point(quote));
        if (plan.quotes.length > 0) shown = { ...shown, last: plan.quotes.at(-1).sequence, count: shown.count + plan.quotes.length };
      }
      report();
    },

    /** Empties the chart (no symbol selected). */
    clear() {
      times.clear();
      series.setData([]);
      shown = null;
      report();
    },

    setColors({ muted, line, accent }) {
      chart.applyOptions({
        layout: { textColor: muted },
        grid: { vertLines: { color: line }, horzLines: { color: line } },
        rightPriceScale: { borderColor: line },
        timeScale: { borderColor: line },
      });
      series.applyOptions({ color: accent });
    },
  };
}
