import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { planChart } from "../pricechart.js";

const quotes = (...sequences) => sequences.map((sequence) => ({ symbol: "BTC-USD", price: sequence, sequence }));
const shown = (first, last, symbol = "BTC-USD") => ({ symbol, first, last, count: last - first + 1 });

describe("planChart", () => {
  test("an empty chart is drawn whole", () => {
    assert.deepEqual(planChart(null, "BTC-USD", quotes(1, 2)), { redraw: true, quotes: quotes(1, 2) });
  });

  test("newer quotes of the shown symbol are appended, the ones already shown skipped", () => {
    assert.deepEqual(planChart(shown(1, 3), "BTC-USD", quotes(2, 3, 4, 5)), { redraw: false, quotes: quotes(4, 5) });
  });

  test("the kept series dropping its oldest quotes still appends", () => {
    assert.deepEqual(planChart(shown(1, 3), "BTC-USD", quotes(3, 4)), { redraw: false, quotes: quotes(4) });
  });

  test("nothing new appends nothing", () => {
    assert.deepEqual(planChart(shown(1, 3), "BTC-USD", quotes(1, 2, 3)), { redraw: false, quotes: [] });
  });

  test("older quotes filled in from history redraw it", () => {
    assert.equal(planChart(shown(50, 60), "BTC-USD", quotes(1, 50, 60)).redraw, true);
  });

  test("another symbol redraws it", () => {
    assert.equal(planChart(shown(1, 3, "ETH-USD"), "BTC-USD", quotes(1, 2, 3)).redraw, true);
  });

  test("past its limit it is redrawn from the kept quotes instead of growing", () => {
    assert.deepEqual(planChart(shown(1, 10), "BTC-USD", quotes(8, 9, 10, 11), 10), { redraw: true, quotes: quotes(8, 9, 10, 11) });
  });

  test("no quotes at all clears it", () => {
    assert.deepEqual(planChart(shown(1, 3), "BTC-USD", []), { redraw: true, quotes: [] });
  });
});
