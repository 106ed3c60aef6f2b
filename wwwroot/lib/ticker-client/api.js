// The server's HTTP API as the client uses it: exchange a key for a token, a token for a hub ticket, list symbols and
// read a symbol's history.
// Failures become an ApiError whose `kind` says what to do next and whose message a person can act on (the server's
// problem+json `detail` where there is one). No DOM: the caller passes the server's address and its page's origin in.

/** What a failed call means for the caller. */
export const ErrorKind = Object.freeze({
  REFUSED: "refused", // the API key (or the token provider) was not accepted: retrying will not help
  UNAUTHORIZED: "unauthorized", // the token was refused (expired or revoked): get a new one
  RATE_LIMITED: "rate-limited", // 429: wait `retryAfterMs`
  UNREACHABLE: "unreachable", // no answer at all (down, offline, or blocked by CORS)
  SERVER: "server", // any other answer: retry later
});

export class ApiError extends Error {
  constructor(message, { kind, status = 0, detail = null, retryAfterMs = null, cause = undefined }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.detail = detail; // the server's own words (problem+json detail or title), when it gave any
    this.retryAfterMs = retryAfterMs;
  }
}

/** A `Retry-After` header (delay-seconds or an HTTP date) in milliseconds from `now`, or null when absent or unreadable. */
export function parseRetryAfter(value, now) {
  if (value === null || value === undefined || String(value).trim() === "") return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month ("Sun, 22 Nov 2026 10:00:30 GMT"); Date.parse alone would take "-5" as a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The `detail` (or else `title`) of a problem+json body; null when the body is not one. */
export async function problemText(response) {
  try {
    const body = await response.json();
    const text = body && (body.detail || body.title);
    return typeof text === "string" && text.trim() ? text.trim() : null;
  } catch {
    return null;
  }
}

/** A token's lifetime when nothing says what it is. */
export const DEFAULT_TOKEN_LIFETIME_MS = 60_000;

/**
 * A token as the token endpoint answers it, `{ accessToken, expiresIn }` (seconds), or as a token provider may give
 * it: that answer (a backend that passes POST /api/auth/token's answer on), or the JWT alone, whose lifetime is then
 * its `exp` less its `iat`. `{ accessToken, lifetimeMs }`, or null when there is no access token.
 */
export function readToken(value) {
  const accessToken = typeof value === "string" ? value.trim() : typeof value?.accessToken === "string" ? value.accessToken.trim() : "";
  if (!accessToken) return null;
  const seconds = Number(typeof value === "string" ? Number.NaN : value.expiresIn);
  const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : jwtLifetimeMs(accessToken) ?? DEFAULT_TOKEN_LIFETIME_MS;
  return { accessToken, lifetimeMs };
}

/**
 * A JWT's `exp` less its `iat`, in milliseconds; null when the token is not a JWT that says. Measured from the token
 * itself rather than from this machine's clock, which need not agree with the server's.
 */
export function jwtLifetimeMs(jwt) {
  try {
    const payload = jwt.split(".")[1];
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const lifetime = (claims.exp - claims.iat) * 1000;
    return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : null;
  } catch {
    return null;
  }
}

/**
 * @param {object} options
 * @param {string} options.baseUrl the server's address
 * @param {string} [options.pageOrigin] the page's own origin, to explain a CORS refusal when it differs
 * @param {typeof fetch} [options.fetch]
 * @param {() => number} [options.now]
 */
export function createApi({ baseUrl, pageOrigin = undefined, fetch = globalThis.fetch.bind(globalThis), now = Date.now }) {
  const serverOrigin = new URL(baseUrl).origin;

  async function send(path, init) {
    try {
      return await fetch(new URL(path, baseUrl), { cache: "no-store", ...init });
    } catch (error) {
      const hint = pageOrigin && pageOrigin !== serverOrigin
        ? ` If it is running, check that its Cors:AllowedOrigins setting includes ${pageOrigin}.`
        : "";
      throw new ApiError(`The server at ${serverOrigin} is not reachable.${hint}`, { kind: ErrorKind.UNREACHABLE, cause: error });
    }
  }

  async function rateLimited(response, what) {
    const detail = await problemText(response);
    return new ApiError(detail ? `Rate-limited: ${withoutRetryAfter(detail)}` : `Rate-limited: too many ${what} from this address.`, {
      kind: ErrorKind.RATE_LIMITED,
      status: 429,
      detail,
      retryAfterMs: parseRetryAfter(response.headers.get("Retry-After"), now()),
    });
  }

  async function failed(response, what) {
    const detail = await problemText(response);
    return new ApiError(`The server could not ${what} (HTTP ${response.status})${detail ? `: ${detail}` : "."}`, {
      kind: ErrorKind.SERVER,
      status: response.status,
      detail,
    });
  }

  async function unauthorized(response, what) {
    const detail = await problemText(response);
    return new ApiError(`The token was refused while ${what}${detail ? `: ${detail}` : "."}`, {
      kind: ErrorKind.UNAUTHORIZED,
      status: 401,
      detail,
    });
  }

  return {
    /** POST /api/auth/token: `{ accessToken, lifetimeMs, userId, role, symbols }`. */
    async token(apiKey) {
      const response = await send("api/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ apiKey }),
      });
      if (response.status === 400 || response.status === 401) {
        const detail = await problemText(response);
        throw new ApiError(`That API key was not accepted: ${detail || "check it and try again."}`, {
          kind: ErrorKind.REFUSED,
          status: response.status,
          detail,
        });
      }
      if (response.status === 429) throw await rateLimited(response, "token requests");
      if (!response.ok) throw await failed(response, "issue a token");
      const body = await response.json().catch(() => null);
      const token = readToken(body);
      if (!token) {
        throw new ApiError("The server's token response had no accessToken.", { kind: ErrorKind.SERVER, status: response.status });
      }
      return { ...token, userId: body.userId, role: body.role, symbols: Array.isArray(body.symbols) ? body.symbols : [] };
    },

    /** POST /api/auth/ticket: a single-use, 30-second credential for one hub connection's access_token query. */
    async ticket(accessToken) {
      const response = await send("api/auth/ticket", {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      });
      if (response.status === 401) throw await unauthorized(response, "asking for a connection ticket");
      if (response.status === 429) throw await rateLimited(response, "connection tickets");
      if (!response.ok) throw await failed(response, "issue a connection ticket");
      const body = await response.json().catch(() => null);
      if (!body || typeof body.ticket !== "string") {
        throw new ApiError("The server's ticket response had no ticket.", { kind: ErrorKind.SERVER, status: response.status });
      }
      return body.ticket;
    },

    /** GET /api/symbols: the instruments this token may subscribe to, `[{ symbol, price, timestamp, ... }]`. */
    async symbols(accessToken) {
      const response = await send("api/symbols", {
        headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      });
      if (response.status === 401) throw await unauthorized(response, "listing symbols");
      if (response.status === 429) throw await rateLimited(response, "requests");
      if (!response.ok) throw await failed(response, "list the symbols");
      const body = await response.json().catch(() => null);
      return Array.isArray(body) ? body.filter((item) => item && typeof item.symbol === "string") : [];
    },

    /** GET /api/symbols/{symbol}/history: the symbol's quotes after sequence `since`, oldest first, at most `limit`. */
    async history(accessToken, symbol, { since = 0, limit = 100 } = {}) {
      // encodeURIComponent turns the slash of ALGO/USD into %2F, as the route expects.
      const query = new URLSearchParams({ since: String(since), limit: String(limit) });
      const response = await send(`api/symbols/${encodeURIComponent(symbol)}/history?${query}`, {
        headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      });
      if (response.status === 401) throw await unauthorized(response, `reading the history of ${symbol}`);
      if (response.status === 429) throw await rateLimited(response, "requests");
      if (!response.ok) throw await failed(response, `read the history of ${symbol}`);
      const body = await response.json().catch(() => null);
      return Array.isArray(body) ? body.filter((item) => item && item.symbol === symbol && Number.isSafeInteger(item.sequence)) : [];
    },
  };
}

/** The page shows its own live countdown, so the server's fixed "Retry after N s." would soon disagree with it. */
function withoutRetryAfter(detail) {
  return detail.replace(/\s*Retry after \d+ s\.?\s*$/i, "").trim();
}
