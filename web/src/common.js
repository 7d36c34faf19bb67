// @ts-check
// What the map and the timeline share: the token (sessionStorage only, sent as an Authorization
// header, never in a URL), GraphQL over fetch, and the view's filters held in the URL.

export const TOKEN_KEY = "syncpoint.token";

/** @returns {string | null} */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/**
 * Post one GraphQL operation with the tab's token; throws on transport or GraphQL errors.
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @returns {Promise<any>}
 */
export async function gql(query, variables = {}) {
  const bearer = token();
  const response = await fetch("/graphql", {
    method: "POST",
    credentials: "omit",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new SignInNeeded("That token is unknown, expired or revoked.");
  }
  const body = await response.json();
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((/** @type {{message: string}} */ e) => e.message).join("; "));
  }
  return body.data;
}

export class SignInNeeded extends Error {}

/**
 * The view's state from the URL's query string (never a token).
 * @returns {URLSearchParams}
 */
export function viewState() {
  const params = new URLSearchParams(location.search);
  params.delete("token");
  return params;
}

/**
 * Replace the URL's query string with the view's state, so the link can be shared.
 * @param {Record<string, string | string[] | null | undefined>} state
 */
export function saveViewState(state) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(","));
    } else if (value) {
      params.set(key, value);
    }
  }
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? `?${query}` : ""));
}

/**
 * Show the sign-in form until a token is stored, then call start().
 * @param {() => Promise<void>} start
 */
export function withSignIn(start) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById("signin"));
  const error = /** @type {HTMLElement} */ (document.getElementById("signin-error"));
  const signout = /** @type {HTMLButtonElement} */ (document.getElementById("signout"));
  const run = () => {
    document.body.dataset.signedIn = "true";
    start().catch((/** @type {Error} */ exc) => {
      if (exc instanceof SignInNeeded) {
        document.body.dataset.signedIn = "false";
        error.textContent = exc.message;
      } else {
        const slot = document.getElementById("status");
        if (slot) slot.textContent = `Syncpoint answered: ${exc.message}`;
      }
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const field = /** @type {HTMLInputElement} */ (form.elements.namedItem("token"));
    const value = field.value.trim();
    field.value = "";
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    error.textContent = "";
    run();
  });
  signout.addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  if (token()) run();
}

/**
 * All pages of a connection (cursor pagination, 100 a page).
 * @param {string} query must take $after and return the connection at `pick(data)`
 * @param {Record<string, unknown>} variables
 * @param {(data: any) => any} pick
 * @returns {Promise<any[]>}
 */
export async function allPages(query, variables, pick) {
  /** @type {any[]} */
  const nodes = [];
  let after = null;
  for (;;) {
    const connection = pick(await gql(query, { ...variables, after }));
    for (const edge of connection.edges) nodes.push(edge.node);
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

/**
 * Create an element with attributes and children.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

/** Flag colours, worst first; "fine" when no flag. @type {Record<string, string>} */
export const FLAG_COLOURS = {
  LATE: "#dc2626",
  CYCLE: "#7f1d1d",
  INTEGRATION_AT_RISK: "#9333ea",
  CADENCE_MISALIGNED: "#ea580c",
  SAME_SPRINT: "#ca8a04",
  UNPLANNED_PROVIDER: "#0891b2",
  OVERRUN: "#64748b",
  FINE: "#16a34a",
};

/** @param {string} iso @param {number} days @returns {string} */
export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** @returns {string} today as an ISO date (UTC) */
export function todayIso() {
  return new Date().toISOString().slice(0, 10);
}
