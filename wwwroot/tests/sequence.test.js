import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Arrival, SequenceTracker, mergeQuotes } from "../lib/ticker-client/sequence.js";

/** Quotes of one symbol with these sequences (price = sequence, to tell them apart). */
const quotes = (...sequences) => sequences.map((sequence) => ({ symbol: "BTC-USD", price: sequence, sequence }));
const sequences = (list) => list.map((quote) => quote.sequence);

describe("SequenceTracker", () => {
  test("the first quote of a symbol is taken as it is", () => {
    const tracker = new SequenceTracker();
    assert.deepEqual(tracker.accept("BTC-USD", 41), { arrival: Arrival.FIRST, missed: 0 });
  });

  test("one more than the last is the next quote", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.deepEqual(tracker.accept("BTC-USD", 42), { arrival: Arrival.NEXT, missed: 0 });
  });

  test("a skip ahead is a gap that counts the quotes missed", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.deepEqual(tracker.accept("BTC-USD", 45), { arrival: Arrival.GAP, missed: 3 });
    assert.deepEqual(tracker.accept("BTC-USD", 46), { arrival: Arrival.NEXT, missed: 0 });
  });

  test("the same or a lower number is a duplicate, and does not move the position back", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    tracker.accept("BTC-USD", 42);
    assert.equal(tracker.accept("BTC-USD", 42).arrival, Arrival.DUPLICATE);
    assert.equal(tracker.accept("BTC-USD", 40).arrival, Arrival.DUPLICATE);
    assert.deepEqual(tracker.positions(), [{ symbol: "BTC-USD", sequence: 42 }]);
    assert.equal(tracker.last("BTC-USD"), 42);
    assert.equal(tracker.last("ETH-USD"), null);
  });

  test("symbols are tracked apart", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 41);
    assert.equal(tracker.accept("ETH-USD", 7).arrival, Arrival.FIRST);
    assert.equal(tracker.accept("BTC-USD", 42).arrival, Arrival.NEXT);
  });

  test("after a resync, a lower number means the feed restarted; only the first quote after it gets that pass", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 500);
    tracker.resync();
    assert.deepEqual(tracker.accept("BTC-USD", 3), { arrival: Arrival.RESTART, missed: 0 });
    assert.equal(tracker.accept("BTC-USD", 4).arrival, Arrival.NEXT);
    assert.equal(tracker.accept("BTC-USD", 2).arrival, Arrival.DUPLICATE);
  });

  test("after a resync, the latest quote again is a duplicate and a skip ahead is a gap", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 10);
    tracker.accept("ETH-USD", 20);
    tracker.resync();
    assert.equal(tracker.accept("BTC-USD", 10).arrival, Arrival.DUPLICATE);
    assert.deepEqual(tracker.accept("ETH-USD", 25), { arrival: Arrival.GAP, missed: 4 });
  });

  test("a forgotten symbol starts again", () => {
    const tracker = new SequenceTracker();
    tracker.accept("BTC-USD", 10);
    tracker.forget("BTC-USD");
    assert.equal(tracker.accept("BTC-USD", 3).arrival, Arrival.FIRST);
  });

  test("a quote without a usable sequence is shown and not tracked", () => {
    const tracker = new SequenceTracker();
    assert.equal(tracker.accept("BTC-USD", undefined).arrival, Arrival.NEXT);
    assert.equal(tracker.accept("BTC-USD", Number.NaN).arrival, Arrival.NEXT);
    assert.deepEqual(tracker.positions(), []);
  });
});

describe("mergeQuotes", () => {
  test("history before the live quotes: one list in sequence order, the overlap once", () => {
    const live = quotes(58, 59, 60);
    const history = quotes(1, 2, 58, 59);
    assert.deepEqual(sequences(mergeQuotes(live, history)), [1, 2, 58, 59, 60]);
  });

  test("on a repeated sequence the quote already kept stays", () => {
    const kept = [{ symbol: "BTC-USD", price: 1, sequence: 5 }];
    const merged = mergeQuotes(kept, [{ symbol: "BTC-USD", price: 2, sequence: 5 }]);
    assert.deepEqual(merged.map((q) => q.price), [1]);
  });

  test("a Resume replay and the quotes pushed while it was in flight: duplicates dropped, none lost", () => {
    const replay = quotes(41, 42, 43, 44);
    const pushed = quotes(43, 44, 45);
    assert.deepEqual(sequences(mergeQuotes(replay, pushed)), [41, 42, 43, 44, 45]);
  });

  test("newer quotes are appended, and the newest `capacity` are kept", () => {
    assert.deepEqual(sequences(mergeQuotes(quotes(1, 2, 3), quotes(4, 5), 4)), [2, 3, 4, 5]);
    assert.deepEqual(sequences(mergeQuotes(quotes(3, 4), quotes(1, 2, 5, 6), 3)), [4, 5, 6]);
  });

  test("nothing new leaves the list as it was", () => {
    const kept = quotes(1, 2);
    assert.equal(mergeQuotes(kept, []), kept);
    assert.deepEqual(mergeQuotes([], []), []);
  });

  test("quotes without a sequence cannot be placed and are left out", () => {
    assert.deepEqual(sequences(mergeQuotes(quotes(1), [{ symbol: "BTC-USD", price: 2 }, ...quotes(2)])), [1, 2]);
  });

  test("its inputs are not changed", () => {
    const kept = quotes(3, 1);
    const incoming = quotes(2);
    mergeQuotes(kept, incoming);
    assert.deepEqual(sequences(kept), [3, 1]);
    assert.deepEqual(sequences(incoming), [2]);
  });
});
