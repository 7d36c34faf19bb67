// @ts-check
// The map's side panels: a team (its dependencies both ways and every flag's sentence), a drawn
// edge (the open dependencies its count is made of) and one dependency, each dependency with
// its flags' sentences and links that carry view parameters only (see links.js).
import { el, gql, viewState } from "./common.js";
import { graphiqlLink, kindOf, mapLink, timelineLink } from "./links.js";

/**
 * What the panels ask of the map: what is drawn, the dependencies a drawn edge is made of, the
 * day, and what to do on a click.
 * @typedef {{source: string, target: string, count: number}} Edge
 * @typedef {{id: string, label: string, teamId: string | null}} DrawnNode
 * @typedef {{map: () => {nodes: DrawnNode[]}, cy: () => any, asOf: () => string | null,
 *   dependencyIdsOf: (edges: Edge[]) => Promise<Map<string, string[]>>,
 *   select: (id: string | null) => void, drillIntoItems: (teamId: string) => void,
 *   showBlast: (itemId: string) => void}} Host
 */

/** @type {Host} */
let host;

/** @param {Host} map the map page, connected once at start */
export function connectPanels(map) {
  host = map;
}

const DEPENDENCY = `id type status description
  consumer { id key title team { id name } integrationPoints { id name date } }
  provider { id key title team { id name } integrationPoints { id name date } }
  consumerTeam { id name } providerTeam { id name }
  neededBy(asOf: $asOf) availableFrom(asOf: $asOf) lateByDays(asOf: $asOf)
  flags(asOf: $asOf) { code severity message }`;
const TEAM_PANEL = `query Team($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Team { id name topology framework group { name }
    planning {
      incomingDependencies(first: 100) { edges { node { ${DEPENDENCY} } } }
      outgoingDependencies(first: 100) { edges { node { ${DEPENDENCY} } } } } } }
  flags(filter: { teamIds: [$id] }, asOf: $asOf, first: 100) {
    totalCount edges { node { code severity message subjectId } } } }`;
const EDGE_DEPENDENCIES = `query Edge($ids: [ID!]!, $asOf: Date) {
  nodes(ids: $ids) { ... on Dependency { ${DEPENDENCY} } } }`;
/** The most ids `nodes(ids:)` takes at once. */
const NODES_AT_ONCE = 100;
const DEPENDENCY_PANEL = `query Dependency($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Dependency { ${DEPENDENCY} } } }`;

/** @param {string} title @param {(Node | string)[]} children */
function showPanel(title, children) {
  const panel = /** @type {HTMLElement} */ (document.getElementById("panel"));
  panel.hidden = false;
  panel.replaceChildren(el("button", { type: "button", id: "panel-close", "aria-label": "Close" }, ["×"]),
    el("h2", {}, [title]), ...children);
  /** @type {HTMLElement} */ (document.getElementById("panel-close")).onclick = () => {
    panel.hidden = true;
    host.select(null);
  };
}

/**
 * A link of a panel; with `open`, a plain click acts in place (the href stays shareable).
 * @param {string} kind @param {string} href @param {string} text @param {() => void} [open]
 */
function link(kind, href, text, open) {
  const a = /** @type {HTMLAnchorElement} */ (el("a", { href, "data-link": kind }, [text]));
  if (open) {
    a.addEventListener("click", (event) => {
      if (event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      open();
    });
  }
  return a;
}

/** @param {any} d @returns {{id: string, name: string, date: string}[]} */
function integrationPoints(d) {
  const all = [...d.consumer.integrationPoints, ...(d.provider ? d.provider.integrationPoints : [])];
  return all.filter((p, i) => all.findIndex((q) => q.id === p.id) === i);
}

/** @param {any} d @param {"in" | "out"} side */
function dependencyRow(d, side) {
  const other = side === "in" ? d.providerTeam : d.consumerTeam;
  const provider = d.provider ? `${d.provider.key} ${d.provider.title}` : "a product request";
  const asOf = host.asOf();
  const row = el("li", { "data-dependency-id": d.id }, [
    el("strong", {}, [`${d.type} `]),
    `${d.consumer.key} ${d.consumer.title} ← ${provider} (${other ? other.name : "?"}); needed by ${
      d.neededBy || "?"}, available from ${d.availableFrom || "?"}`,
  ]);
  const blast = el("button", { type: "button", class: "link" }, ["blast radius"]);
  blast.onclick = () => host.showBlast(d.consumer.id);
  row.append(el("div", { class: "links" }, [
    link("details", mapLink(viewState(), d.id), "details", () => openDependency(d.id)), " · ",
    link("graphiql", graphiqlLink(d.id, asOf), "in GraphiQL"), " · ",
    ...integrationPoints(d).flatMap((p) => [link("timeline", timelineLink(p.id, asOf),
      `timeline of ${p.name} (${p.date})`), " · "]),
    blast,
  ]));
  if (d.flags.length) row.append(el("ul", {}, d.flags.map((/** @type {any} */ f) =>
    el("li", { class: `flag ${f.severity}`, "data-flag": f.code }, [f.message]))));
  return row;
}

/** @param {string} id */
export async function openTeam(id) {
  host.select(id);
  if (kindOf(id) !== "Team") { // products have no planning: their edges say who waits on them
    const node = host.map().nodes.find((n) => n.id === id);
    showPanel(node ? node.label : id, [el("p", {}, ["A shared product; click one of its edges."])]);
    return;
  }
  const data = await gql(TEAM_PANEL, { id, asOf: host.asOf() });
  const team = data.node;
  const incoming = team.planning.incomingDependencies.edges.map((/** @type {any} */ e) => e.node);
  const outgoing = team.planning.outgoingDependencies.edges.map((/** @type {any} */ e) => e.node);
  const flags = data.flags.edges.map((/** @type {any} */ e) => e.node);
  const items = el("button", { type: "button", id: "drill-items" }, ["Show its items and their dependencies"]);
  items.onclick = () => host.drillIntoItems(id);
  showPanel(team.name, [
    el("p", { class: "muted" }, [`${team.topology} · ${team.framework} · ${team.group.name}`]),
    items,
    el("h3", {}, [`Flags (${data.flags.totalCount})`]),
    el("ul", { id: "panel-flags" }, flags.map((/** @type {any} */ f) =>
      el("li", { class: `flag ${f.severity}`, "data-flag": f.code }, [f.message]))),
    el("h3", {}, [`Waits on (${incoming.length})`]),
    el("ul", {}, incoming.map((/** @type {any} */ d) => dependencyRow(d, "in"))),
    el("h3", {}, [`Others wait on it (${outgoing.length})`]),
    el("ul", {}, outgoing.map((/** @type {any} */ d) => dependencyRow(d, "out"))),
  ]);
  if (host.cy()) { host.cy().elements().unselect(); host.cy().getElementById(id).select(); }
}

/**
 * The dependencies behind a drawn edge (or a bundle of them between two groups): exactly those
 * the server counted on it (its dependencyIds, the map's filters applied), fetched by id.
 * @param {Edge[]} members @param {string} edgeId the drawn edge, kept as the selection
 */
export async function openEdge(members, edgeId) {
  host.select(edgeId);
  const ids = await host.dependencyIdsOf(members);
  const rows = await dependenciesById(members.flatMap((m) => ids.get(`${m.source}>${m.target}`) || []));
  const labels = new Map(host.map().nodes.map((n) => [n.id, n.label]));
  showPanel(`${members.length} team pair${members.length === 1 ? "" : "s"}`, [
    el("p", {}, members.map((m) => `${labels.get(m.source)} → ${labels.get(m.target)} (${m.count}) `)),
    el("ul", { id: "panel-edge", "data-edge": edgeId }, rows.map((d) => dependencyRow(d, "in"))),
  ]);
  if (host.cy()) { host.cy().elements().unselect(); host.cy().getElementById(edgeId).select(); }
}

/**
 * Dependencies by global id, in the order given (one that vanished since the map was drawn
 * comes back null and is left out).
 * @param {string[]} ids @returns {Promise<any[]>}
 */
async function dependenciesById(ids) {
  const asOf = host.asOf();
  /** @type {any[]} */
  const found = [];
  // One batch after another, as the paged query before: a bundle between two large groups can
  // name thousands of dependencies.
  for (let i = 0; i < ids.length; i += NODES_AT_ONCE) {
    const page = await gql(EDGE_DEPENDENCIES, { ids: ids.slice(i, i + NODES_AT_ONCE), asOf });
    found.push(...page.nodes.filter((/** @type {any} */ d) => d && d.id));
  }
  return found;
}

/**
 * One dependency's own panel (a shareable link: ?selected=<Dependency id>), its two teams selected.
 * @param {string} id
 */
export async function openDependency(id) {
  host.select(id);
  const d = (await gql(DEPENDENCY_PANEL, { id, asOf: host.asOf() })).node;
  if (!d) {
    showPanel("No such dependency", [el("p", {}, ["It was deleted, or you may not see it."])]);
    return;
  }
  showPanel(`${d.consumer.key} ← ${d.provider ? d.provider.key : "a product request"}`, [
    el("p", { class: "muted" }, [`${d.status} · ${d.description || "no description"}`]),
    el("ul", { id: "panel-dependency" }, [dependencyRow(d, "in")]),
  ]);
  if (host.cy()) {
    host.cy().elements().unselect();
    for (const team of [d.consumerTeam, d.providerTeam]) if (team) host.cy().getElementById(team.id).select();
  }
}
