import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, DEFAULT_TOKEN_LIFETIME_MS, ErrorKind, createApi, parseRetryAfter, readToken } from "../lib/ticker-client/api.js";

const SERVER = "http://127.0.0.1:5080/";
const NOW = Date.parse("2026-11-22T10:00:00Z");

function problem(status, detail, headers = {}) {
  return new Response(JSON.stringify({ type: "about:blank", title: "Problem", status, detail }), {
    status, headers: { "Content-Type": "application/problem+json", ...headers },
  });
}

function json(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** An API over a fetch that records each request and answers with `answer(url, init)`. */
function apiAnswering(answer, options = {}) {
  const requests = [];
  const api = createApi({
    baseUrl: SERVER,
    now: () => NOW,
    fetch: async (url, init) => {
      requests.push({ url: String(url), init });
      return answer(String(url), init);
    },
    ...options,
  });
  return { api, requests };
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

describe("parseRetryAfter", () => {
  test("delay-seconds become milliseconds", () => {
    assert.equal(parseRetryAfter("57", NOW), 57_000);
  });

  test("an HTTP date becomes the time left until it", () => {
    assert.equal(parseRetryAfter("Sun, 22 Nov 2026 10:00:30 GMT", NOW), 30_000);
  });

  test("a date already past means now", () => {
    assert.equal(parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", NOW), 0);
  });

  test("absent or unreadable is null", () => {
    assert.equal(parseRetryAfter(null, NOW), null);
    assert.equal(parseRetryAfter("", NOW), null);
    assert.equal(parseRetryAfter("soon", NOW), null);
    assert.equal(parseRetryAfter("-5", NOW), null);
  });
});

/** A JWT with these claims (unsigned: only its payload is read). */
function jwt(claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.signature`;
}

describe("readToken", () => {
  test("the token endpoint's answer, as a backend passes it on: its expiresIn is the lifetime", () => {
    assert.deepEqual(readToken({ accessToken: "jwt", tokenType: "Bearer", expiresIn: 300 }), { accessToken: "jwt", lifetimeMs: 300_000 });
  });

  test("a JWT alone lives from its iat to its exp, whatever this machine's clock says", () => {
    assert.deepEqual(readToken(jwt({ sub: "u1", iat: 1_000, exp: 1_900 })), { accessToken: jwt({ sub: "u1", iat: 1_000, exp: 1_900 }), lifetimeMs: 900_000 });
  });

  test("a token that says nothing of its lifetime gets a minute", () => {
    assert.equal(readToken("opaque").lifetimeMs, DEFAULT_TOKEN_LIFETIME_MS);
    assert.equal(readToken({ accessToken: jwt({ exp: 5 }) }).lifetimeMs, DEFAULT_TOKEN_LIFETIME_MS);
  });

  test("no access token is null", () => {
    for (const value of [null, undefined, "", "  ", {}, { accessToken: 42 }, { token: "jwt" }]) {
      assert.equal(readToken(value), null, JSON.stringify(value));
    }
  });
});

describe("token", () => {
  test("posts the key as JSON to the server's address and returns the token with its lifetime", async () => {
    const { api, requests } = apiAnswering(() => json({
      accessToken: "jwt", tokenType: "Bearer", expiresIn: 3600, userId: "u1", role: "user", symbols: ["BTC-USD"],
    }));

    const token = await api.token("stk_key");

    assert.deepEqual(token, { accessToken: "jwt", lifetimeMs: 3_600_000, userId: "u1", role: "user", symbols: ["BTC-USD"] });
    assert.equal(requests[0].url, "http://127.0.0.1:5080/api/auth/token");
    assert.equal(requests[0].init.method, "POST");
    assert.deepEqual(JSON.parse(requests[0].init.body), { apiKey: "stk_key" });
    assert.equal(requests[0].init.cache, "no-store");
  });

  test("a refused key (401) is final and carries the server's detail", async () => {
    const { api } = apiAnswering(() => problem(401, "The API key is unknown or has been revoked."));

    const error = await rejection(api.token("stk_bad"));

    assert.ok(error instanceof ApiError);
    assert.equal(error.kind, ErrorKind.REFUSED);
    assert.equal(error.message, "That API key was not accepted: The API key is unknown or has been revoked.");
    assert.equal(error.detail, "The API key is unknown or has been revoked.");
  });

  test("a malformed key (400) is refused too", async () => {
    const { api } = apiAnswering(() => problem(400, "apiKey: The field apiKey must be a string with a maximum length of 256."));
    assert.equal((await rejection(api.token("x".repeat(300)))).kind, ErrorKind.REFUSED);
  });

  test("429 says how long to wait, from Retry-After, and leaves the countdown to the page", async () => {
    const { api } = apiAnswering(() => problem(429,
      "Too many token requests from your address; reuse your token until it nears expiry. Retry after 57 s.",
      { "Retry-After": "57" }));

    const error = await rejection(api.token("stk_key"));

    assert.equal(error.kind, ErrorKind.RATE_LIMITED);
    assert.equal(error.retryAfterMs, 57_000);
    assert.equal(error.message, "Rate-limited: Too many token requests from your address; reuse your token until it nears expiry.");
  });

  test("429 without Retry-After has no wait of its own", async () => {
    const { api } = apiAnswering(() => new Response("", { status: 429 }));
    const error = await rejection(api.token("stk_key"));
    assert.equal(error.retryAfterMs, null);
    assert.match(error.message, /too many token requests/);
  });

  test("no answer at all is unreachable, without a CORS hint on the server's own page", async () => {
    const { api } = apiAnswering(() => { throw new TypeError("Failed to fetch"); }, { pageOrigin: "http://127.0.0.1:5080" });
    const error = await rejection(api.token("stk_key"));
    assert.equal(error.kind, ErrorKind.UNREACHABLE);
    assert.equal(error.message, "The server at http://127.0.0.1:5080 is not reachable.");
  });

  test("no answer on a page from another origin names Cors:AllowedOrigins and that origin", async () => {
    const { api } = apiAnswering(() => { throw new TypeError("Failed to fetch"); }, { pageOrigin: "https://dashboard.example.com" });
    const error = await rejection(api.token("stk_key"));
    assert.match(error.message, /Cors:AllowedOrigins setting includes https:\/\/dashboard\.example\.com\./);
  });

  test("another failure is retryable and says the status", async () => {
    const { api } = apiAnswering(() => problem(503, "The database is not available."));
    const error = await rejection(api.token("stk_key"));
    assert.equal(error.kind, ErrorKind.SERVER);
    assert.equal(error.message, "The server could not issue a token (HTTP 503): The database is not available.");
  });

  test("a success without a token is a server failure, not a crash", async () => {
    const { api } = apiAnswering(() => json({}));
    assert.equal((await rejection(api.token("stk_key"))).kind, ErrorKind.SERVER);
  });
});

describe("ticket", () => {
  test("is bought with the token in the Authorization header", async () => {
    const { api, requests } = apiAnswering(() => json({ ticket: "tkt_1", expiresIn: 30 }));

    assert.equal(await api.ticket("jwt"), "tkt_1");
    assert.equal(requests[0].url, "http://127.0.0.1:5080/api/auth/ticket");
    assert.equal(requests[0].init.method, "POST");
    assert.equal(requests[0].init.headers.Authorization, "Bearer jwt");
  });

  test("a refused token (401) means: get a new token", async () => {
    const { api } = apiAnswering(() => problem(401, "The token has been revoked."));
    const error = await rejection(api.ticket("jwt"));
    assert.equal(error.kind, ErrorKind.UNAUTHORIZED);
  });

  test("503 (too many open tickets) is retryable with the server's words", async () => {
    const { api } = apiAnswering(() => problem(503, "The server holds too many unused tickets right now; try again in 30 seconds."));
    const error = await rejection(api.ticket("jwt"));
    assert.equal(error.kind, ErrorKind.SERVER);
    assert.match(error.message, /too many unused tickets/);
  });
});

describe("symbols", () => {
  test("lists the instruments, skipping malformed items", async () => {
    const { api, requests } = apiAnswering(() => json([{ symbol: "BTC-USD", price: 1 }, { price: 2 }, null]));
    assert.deepEqual(await api.symbols("jwt"), [{ symbol: "BTC-USD", price: 1 }]);
    assert.equal(requests[0].url, "http://127.0.0.1:5080/api/symbols");
    assert.equal(requests[0].init.headers.Authorization, "Bearer jwt");
  });

  test("a server behind a path prefix is called under it", async () => {
    const { api, requests } = apiAnswering(() => json([]), { baseUrl: "https://example.com/ticker/" });
    await api.symbols("jwt");
    assert.equal(requests[0].url, "https://example.com/ticker/api/symbols");
  });
});

describe("history", () => {
  const quote = (symbol, sequence) => ({ symbol, price: 1, change: 0, changePercent: 0, sequence, timestamp: "2026-11-22T10:00:00Z" });

  test("asks for the quotes after `since`, at most `limit`, with the slash of a symbol encoded", async () => {
    const { api, requests } = apiAnswering(() => json([quote("ALGO/USD", 41), quote("ALGO/USD", 42)]));

    const quotes = await api.history("jwt", "ALGO/USD", { since: 40, limit: 2 });

    assert.deepEqual(quotes.map((q) => q.sequence), [41, 42]);
    assert.equal(requests[0].url, "http://127.0.0.1:5080/api/symbols/ALGO%2FUSD/history?since=40&limit=2");
    assert.equal(requests[0].init.headers.Authorization, "Bearer jwt");
  });

  test("items that are not quotes of that symbol are skipped", async () => {
    const { api } = apiAnswering(() => json([quote("BTC-USD", 1), quote("ETH-USD", 2), { symbol: "BTC-USD" }, null]));
    assert.deepEqual((await api.history("jwt", "BTC-USD")).map((q) => q.sequence), [1]);
  });

  test("a refused token means: get a new one; another failure names the symbol", async () => {
    assert.equal((await rejection(apiAnswering(() => problem(401, "expired")).api.history("jwt", "BTC-USD"))).kind, ErrorKind.UNAUTHORIZED);
    const error = await rejection(apiAnswering(() => problem(403, "'BTC-USD' is not included in your API key's entitlements.")).api.history("jwt", "BTC-USD"));
    assert.equal(error.kind, ErrorKind.SERVER);
    assert.match(error.message, /could not read the history of BTC-USD \(HTTP 403\): 'BTC-USD' is not included/);
  });
});
