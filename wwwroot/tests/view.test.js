// describeConnection is the view's one pure part: what the status, the banner and the footer say for a state event.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { State, StopReason } from "../lib/ticker-client/connection.js";
import { QUIET_RECONNECT_ATTEMPTS, describeConnection } from "../view.js";
import { rateLimited, refusedKey, unreachable } from "./fakes.js";

const NOW = 1_000_000;

describe("describeConnection", () => {
  test("while rate-limited, the status and the banner count down the same seconds", () => {
    const event = { state: State.CONNECTING, error: rateLimited(57_000), attempt: 1, retryAt: NOW + 57_000 };

    for (const elapsed of [0, 1, 999, 1_000, 30_500, 56_001]) {
      const shown = describeConnection(event, NOW + elapsed);
      const status = /retry in (\d+) s/.exec(shown.detail)?.[1];
      const banner = /Trying again in (\d+) s\./.exec(shown.banner)?.[1];
      assert.equal(status, String(Math.ceil((57_000 - elapsed) / 1000)), `status at +${elapsed} ms`);
      assert.equal(banner, status, `banner at +${elapsed} ms`);
      assert.equal(shown.seconds, Number(status));
    }
    assert.match(describeConnection(event, NOW).banner, /^Rate-limited: Too many token requests/);
  });

  test("when the wait is over, neither shows a stale number", () => {
    const shown = describeConnection({ state: State.CONNECTING, error: rateLimited(2_000), attempt: 1, retryAt: NOW }, NOW + 10);
    assert.equal(shown.detail, "");
    assert.match(shown.banner, /Trying again now\.$/);
  });

  test("a first connect that fails says why at once", () => {
    const shown = describeConnection({ state: State.CONNECTING, error: unreachable(), attempt: 1, retryAt: NOW + 188 }, NOW);
    assert.equal(shown.banner, "The server at http://127.0.0.1:1 is not reachable. Trying again in 1 s.");
  });

  test("a routine reconnect (a token expired) keeps quiet; repeated failures speak up", () => {
    const routine = describeConnection({ state: State.RECONNECTING, error: null, attempt: 0, retryAt: NOW }, NOW);
    assert.equal(routine.banner, null);
    assert.equal(routine.transport, "connection lost; reconnecting");

    const early = describeConnection({ state: State.RECONNECTING, error: new Error("WebSocket closed with status code: 1006"), attempt: 1, retryAt: NOW + 188 }, NOW);
    assert.equal(early.banner, undefined, "left as it is");

    const later = describeConnection({
      state: State.RECONNECTING, error: new Error("WebSocket closed with status code: 1006"), attempt: QUIET_RECONNECT_ATTEMPTS, retryAt: NOW + 750,
    }, NOW);
    assert.equal(later.banner, "The server is not reachable right now. Trying again in 1 s.");
  });

  test("connected clears the connection's banner and shows no detail", () => {
    assert.deepEqual(describeConnection({ state: State.CONNECTED }, NOW), { state: "connected", detail: "", banner: null, transport: null, seconds: 0 });
  });

  test("a refused key says so in the status and the banner", () => {
    const shown = describeConnection({ state: State.DISCONNECTED, reason: StopReason.REFUSED, error: refusedKey() }, NOW);
    assert.equal(shown.detail, "key refused");
    assert.equal(shown.banner, "That API key was not accepted: The API key is unknown or has been revoked.");
  });

  test("a revoked key says the page stopped, in the server's words", () => {
    const shown = describeConnection({ state: State.DISCONNECTED, reason: StopReason.REVOKED, error: refusedKey() }, NOW);
    assert.equal(shown.detail, "key revoked");
    assert.equal(shown.banner, "Your API key is no longer accepted, so the page stopped: The API key is unknown or has been revoked.");
  });

  test("a person's disconnect shows a plain disconnected and clears the connection's banner", () => {
    const shown = describeConnection({ state: State.DISCONNECTED, reason: StopReason.STOPPED }, NOW);
    assert.deepEqual([shown.detail, shown.banner, shown.transport], ["", null, "not connected"]);
  });
});
