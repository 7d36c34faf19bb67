// @ts-check
// The dependency map: Cytoscape.js draws dependencyMap on a canvas, teams clustered by group
// (compound nodes laid out by fCoSE); a hidden list mirrors every drawn node and edge with
// data-node-id / data-source / data-target so scripts and tests can match it to the API.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import svgExport from "cytoscape-svg";
import {
  FLAG_COLOURS, allPages, el, gql, saveViewState, todayIso, viewState, withSignIn,
} from "./common.js";

cytoscape.use(fcose);
cytoscape.use(svgExport);

/**
 * The drawn map as a picture (used by `syncpoint map --format svg|png`).
 * @param {"svg" | "png"} format
 * @returns {string} SVG text, or a PNG data URI
 */
function picture(format) {
  if (format === "svg") return state.cy.svg({ full: true, bg: "#ffffff", scale: 1 });
  return state.cy.png({ full: true, bg: "#ffffff", scale: 2 });
}
/** @type {any} */ (window).syncpointPicture = picture;

const TOPOLOGY = {
  STREAM_ALIGNED: { colour: "#2563eb", shape: "ellipse" },
  PLATFORM: { colour: "#0d9488", shape: "round-rectangle" },
  ENABLING: { colour: "#9333ea", shape: "hexagon" },
  COMPLICATED_SUBSYSTEM: { colour: "#b45309", shape: "triangle" },
};
const FLAG_CODES = ["LATE", "SAME_SPRINT", "UNPLANNED_PROVIDER", "CADENCE_MISALIGNED",
  "INTEGRATION_AT_RISK", "CYCLE", "OVERRUN"];
/** Above this many drawn edges the canvas shows one edge per pair of groups until drilled into. */
const AGGREGATE_ABOVE = 300;

const GROUPS = `query Groups($after: String) {
  groups(rootsOnly: false, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id name parent { id } } } } }`;
const TEAMS = `query Teams($after: String) {
  teams(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id name topology framework group { id name } } } } }`;
const MAP = `query Map($filter: DependencyMapFilter, $asOf: Date, $level: MapLevel!) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) {
    asOf
    nodes { id key label kind topology openCount lateCount teamId }
    edges { source target count worstFlag flags countsByType { blocking slowing ok } }
    cycles { nodeIds labels }
    bottlenecks { teamId name inDegree waitingDependencies betweenness }
  } }`;
const DEPENDENCY = `id type status description
  consumer { id key title team { id name } } provider { id key title team { id name } }
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
const EDGE_DEPENDENCIES = `query Edge($filter: DependencyFilter, $asOf: Date) {
  dependencies(filter: $filter, first: 100) { edges { node { ${DEPENDENCY} } } } }`;
const BLAST = `query Blast($id: ID!, $asOf: Date) {
  blastRadius(itemId: $id, asOf: $asOf) { itemCount teamCount teamIds itemIds } }`;

/** @typedef {{id: string, name: string, parent: {id: string} | null}} Group */
/** @typedef {{id: string, name: string, topology: string, framework: string, group: {id: string, name: string}}} Team */
/** @typedef {{id: string, key: string, label: string, kind: string, topology: string | null, openCount: number, lateCount: number, teamId: string | null}} MapNode */
/** @typedef {{source: string, target: string, count: number, worstFlag: string | null, flags: string[]}} MapEdge */

/** @type {{groups: Group[], teams: Map<string, Team>, cy: any, map: any, expanded: Set<string>, selected: string | null}} */
const state = { groups: [], teams: new Map(), cy: null, map: null, expanded: new Set(), selected: null };

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

function readFilters() {
  const flags = FLAG_CODES.filter((code) => input(`flag-${code}`).checked);
  return {
    group: input("group").value || null,
    from: input("from").value || null,
    to: input("to").value || null,
    flags: flags.length === FLAG_CODES.length ? [] : flags,
    team: input("team").value || null,
    hops: input("hops").value || "1",
    asOf: input("asOf").value || null,
    level: input("level").value === "ITEM" ? "ITEM" : null,
    selected: state.selected || null,
  };
}

function applyUrl() {
  const params = viewState();
  input("group").value = params.get("group") || "";
  input("from").value = params.get("from") || "";
  input("to").value = params.get("to") || "";
  input("team").value = params.get("team") || "";
  input("hops").value = params.get("hops") || "1";
  input("level").value = params.get("level") === "ITEM" ? "ITEM" : "TEAM";
  input("asOf").value = params.get("asOf") || todayIso();
  const flags = (params.get("flags") || "").split(",").filter(Boolean);
  for (const code of FLAG_CODES) input(`flag-${code}`).checked = !flags.length || flags.includes(code);
  state.selected = params.get("selected");
}

/**
 * The dependencyMap filter of the form (the team's neighbourhood grows hop by hop).
 * @param {ReturnType<typeof readFilters>} f
 */
async function fetchMap(f) {
  /** @type {Record<string, unknown>} */
  const filter = {};
  if (f.group) filter.groupId = f.group;
  if (f.from) filter.from = f.from;
  if (f.to) filter.to = f.to;
  if (f.flags.length) filter.flags = f.flags;
  let teamIds = f.team ? [f.team] : null;
  const hops = Math.max(1, Number(f.hops) || 1);
  for (let hop = 1; teamIds && hop < hops; hop++) {
    const near = await gql(MAP, { filter: { ...filter, teamIds }, asOf: f.asOf, level: "TEAM" });
    teamIds = near.dependencyMap.nodes.filter((/** @type {MapNode} */ n) => n.kind === "TEAM")
      .map((/** @type {MapNode} */ n) => n.id);
    if (!teamIds.length) teamIds = [/** @type {string} */ (f.team)];
  }
  if (teamIds) filter.teamIds = teamIds;
  return (await gql(MAP, { filter, asOf: f.asOf, level: f.level || "TEAM" })).dependencyMap;
}

/** @param {MapEdge} edge */
const edgeColour = (edge) => FLAG_COLOURS[edge.worstFlag || "FINE"] || FLAG_COLOURS.FINE;

/**
 * Cytoscape elements: group clusters, team and product nodes, edges (aggregated between
 * collapsed clusters when the map is large).
 * @param {any} map
 */
function elements(map) {
  const aggregate = map.edges.length > AGGREGATE_ABOVE;
  /** @type {Map<string, string>} node id -> group id */
  const groupOf = new Map();
  /** @type {any[]} */
  const out = [];
  const usedGroups = new Set();
  for (const node of /** @type {MapNode[]} */ (map.nodes)) {
    const team = state.teams.get(node.teamId || node.id);
    const groupId = team ? team.group.id : "ungrouped";
    groupOf.set(node.id, groupId);
    usedGroups.add(groupId);
  }
  for (const groupId of usedGroups) {
    const group = state.groups.find((g) => g.id === groupId);
    out.push({ data: { id: `cluster:${groupId}`, label: group ? group.name : "Products", cluster: true,
      groupId } });
  }
  const collapsed = (/** @type {string} */ groupId) => aggregate && !state.expanded.has(groupId);
  for (const node of /** @type {MapNode[]} */ (map.nodes)) {
    const groupId = /** @type {string} */ (groupOf.get(node.id));
    if (collapsed(groupId)) continue;
    const owner = node.kind === "ITEM" && node.teamId ? state.teams.get(node.teamId) : null;
    const look = TOPOLOGY[node.topology || (owner && owner.topology) || "PLATFORM"] || TOPOLOGY.PLATFORM;
    out.push({ data: {
      id: node.id, parent: `cluster:${groupId}`, label: node.label, kind: node.kind,
      colour: node.kind === "PRODUCT" ? "#475569" : look.colour,
      shape: node.kind === "PRODUCT" ? "diamond" : node.kind === "ITEM" ? "rectangle" : look.shape,
      size: 18 + Math.min(40, 4 * Math.sqrt(node.openCount)),
    } });
  }
  /** @type {Map<string, any>} */
  const bundles = new Map();
  for (const edge of /** @type {MapEdge[]} */ (map.edges)) {
    const gs = /** @type {string} */ (groupOf.get(edge.source));
    const gt = /** @type {string} */ (groupOf.get(edge.target));
    const source = collapsed(gs) ? `cluster:${gs}` : edge.source;
    const target = collapsed(gt) ? `cluster:${gt}` : edge.target;
    if (source === edge.source && target === edge.target) {
      out.push({ data: { id: `edge:${edge.source}>${edge.target}`, source, target, count: edge.count,
        colour: edgeColour(edge), width: 1 + Math.min(8, edge.count), members: [edge] } });
      continue;
    }
    if (source === target) continue; // inside a collapsed cluster
    const key = `${source}>${target}`;
    const bundle = bundles.get(key) || { data: { id: `bundle:${key}`, source, target, count: 0,
      colour: FLAG_COLOURS.FINE, width: 1, members: [], bundle: true } };
    bundle.data.count += edge.count;
    bundle.data.members.push(edge);
    if (edge.worstFlag === "LATE" || bundle.data.colour === FLAG_COLOURS.FINE) bundle.data.colour = edgeColour(edge);
    bundle.data.width = 0.5 + Math.min(4, Math.log2(1 + bundle.data.count) / 2);
    bundles.set(key, bundle);
  }
  return [...out, ...bundles.values()];
}

/** @type {any[]} */
const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, "text-valign": "bottom",
    "background-color": "data(colour)", shape: "data(shape)", width: "data(size)", height: "data(size)" } },
  { selector: "node[?cluster]", style: { "background-color": "#e2e8f0", "background-opacity": 0.5,
    shape: "round-rectangle", "text-valign": "top", "font-size": 12, "font-weight": "bold",
    "border-color": "#94a3b8", "border-width": 1, width: 60, height: 40 } },
  { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)",
    "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "curve-style": "bezier",
    opacity: 0.8 } },
  { selector: "edge[?bundle]", style: { label: "data(count)", "font-size": 8, "line-style": "dashed",
    "text-background-color": "#fff", "text-background-opacity": 0.7, "arrow-scale": 0.7, opacity: 0.55 } },
  { selector: ".highlight", style: { "border-width": 4, "border-color": "#facc15", "line-color": "#facc15",
    "target-arrow-color": "#facc15", opacity: 1, "z-index": 10 } },
  { selector: ".faded", style: { opacity: 0.15 } },
  { selector: ":selected", style: { "border-width": 3, "border-color": "#111827" } },
];

/**
 * The hidden, accessible list of what is drawn: one entry per node and per edge of the map.
 * @param {any} map
 */
function mirror(map) {
  const list = /** @type {HTMLElement} */ (document.getElementById("map-mirror"));
  const labels = new Map(map.nodes.map((/** @type {MapNode} */ n) => [n.id, n.label]));
  list.replaceChildren(
    ...map.nodes.map((/** @type {MapNode} */ n) => el("li", { "data-node-id": n.id, "data-kind": n.kind,
      "data-topology": n.topology || "" }, [`${n.kind.toLowerCase()} ${n.label}: ${n.openCount} open`])),
    ...map.edges.map((/** @type {MapEdge} */ e) => el("li", { "data-source": e.source, "data-target": e.target,
      "data-worst-flag": e.worstFlag || "" },
      [`${labels.get(e.source)} → ${labels.get(e.target)}: ${e.count} (${e.worstFlag || "fine"})`])),
  );
}

async function redraw() {
  const started = performance.now();
  const filters = readFilters();
  saveViewState(filters);
  const status = /** @type {HTMLElement} */ (document.getElementById("status"));
  status.textContent = "Loading…";
  document.body.dataset.state = "loading";
  const map = await fetchMap(filters);
  const fetched = performance.now();
  state.map = map;
  mirror(map);
  draw(map);
  const ms = Math.round(performance.now() - started);
  document.body.dataset.fetchMs = String(Math.round(fetched - started));
  document.body.dataset.renderMs = String(Math.round(performance.now() - fetched));
  const teams = map.nodes.filter((/** @type {MapNode} */ n) => n.kind === "TEAM").length;
  const items = map.nodes.filter((/** @type {MapNode} */ n) => n.kind === "ITEM").length;
  status.textContent = `As of ${map.asOf}: ${items ? `${items} items` : `${teams} teams`}, ` +
    `${map.nodes.length - teams - items} products, ` +
    `${map.edges.length} edges${map.edges.length > AGGREGATE_ABOVE ?
      " (aggregated between groups: click a group to open it)" : ""} · fetched in ${document.body.dataset.fetchMs} ms, drawn in ${document.body.dataset.renderMs} ms`;
  document.body.dataset.drawMs = String(ms);
  document.body.dataset.state = "ready";
}

/** @param {any} map */
function draw(map) {
  if (state.cy) state.cy.destroy();
  const container = /** @type {HTMLElement} */ (document.getElementById("cy"));
  const cy = cytoscape({ container, elements: elements(map), style: STYLE, wheelSensitivity: 0.3,
    minZoom: 0.05, maxZoom: 4 });
  state.cy = cy;
  const large = cy.nodes().length > 150;
  cy.layout(/** @type {any} */ ({ name: "fcose", animate: false, quality: large ? "draft" : "default",
    randomize: true, nodeRepulsion: 6000, idealEdgeLength: 80, packComponents: true,
    numIter: large ? 600 : 2500, tile: true })).run();
  positions(cy);
  cy.on("viewport", () => positions(cy));
  cy.on("tap", "node[kind = 'TEAM']", (/** @type {any} */ event) => openTeam(event.target.id()));
  cy.on("tap", "node[kind = 'PRODUCT']", (/** @type {any} */ event) => openTeam(event.target.id()));
  cy.on("tap", "node[kind = 'ITEM']", (/** @type {any} */ event) => highlightBlast(event.target.id()));
  cy.on("tap", "node[?cluster]", (/** @type {any} */ event) => toggleCluster(event.target.data("groupId")));
  cy.on("tap", "edge", (/** @type {any} */ event) => openEdge(event.target.data("members")));
  if (state.selected && cy.getElementById(state.selected).nonempty()) openTeam(state.selected);
}

/**
 * Where each drawn node is on the canvas (pixels from its top left), kept on the mirror so a
 * script can click it; nodes folded into a group cluster have none.
 * @param {any} cy
 */
function positions(cy) {
  for (const item of document.querySelectorAll("#map-mirror [data-node-id]")) {
    const node = cy.getElementById(item.getAttribute("data-node-id"));
    const li = /** @type {HTMLElement} */ (item);
    if (node.nonempty()) {
      const at = node.renderedPosition();
      li.dataset.x = String(Math.round(at.x));
      li.dataset.y = String(Math.round(at.y));
    } else {
      delete li.dataset.x;
      delete li.dataset.y;
    }
  }
}

/** @param {string} groupId */
function toggleCluster(groupId) {
  if (!state.map || state.map.edges.length <= AGGREGATE_ABOVE) return;
  if (state.expanded.has(groupId)) state.expanded.delete(groupId);
  else state.expanded.add(groupId);
  draw(state.map);
}

/** @param {string} title @param {(Node | string)[]} children */
function showPanel(title, children) {
  const panel = /** @type {HTMLElement} */ (document.getElementById("panel"));
  panel.hidden = false;
  panel.replaceChildren(el("button", { type: "button", id: "panel-close", "aria-label": "Close" }, ["×"]),
    el("h2", {}, [title]), ...children);
  /** @type {HTMLElement} */ (document.getElementById("panel-close")).onclick = () => {
    panel.hidden = true;
    state.selected = null;
    saveViewState(readFilters());
  };
}

/** @param {any} d @param {"in" | "out"} side */
function dependencyRow(d, side) {
  const other = side === "in" ? d.providerTeam : d.consumerTeam;
  const provider = d.provider ? `${d.provider.key} ${d.provider.title}` : "a product request";
  const row = el("li", { "data-dependency-id": d.id }, [
    el("strong", {}, [`${d.type} `]),
    `${d.consumer.key} ${d.consumer.title} ← ${provider} (${other ? other.name : "?"}); needed by ${
      d.neededBy || "?"}, available from ${d.availableFrom || "?"}`,
  ]);
  const blast = el("button", { type: "button", class: "link" }, ["blast radius"]);
  blast.onclick = () => highlightBlast(d.consumer.id);
  row.append(" ", blast);
  if (d.flags.length) row.append(el("ul", {}, d.flags.map((/** @type {any} */ f) =>
    el("li", { class: `flag ${f.severity}`, "data-flag": f.code }, [f.message]))));
  return row;
}

/** @param {string} id */
async function openTeam(id) {
  state.selected = id;
  saveViewState(readFilters());
  if (!id.startsWith("VGVhbT")) { // products have no planning: list the map's edges instead
    const node = state.map.nodes.find((/** @type {MapNode} */ n) => n.id === id);
    showPanel(node ? node.label : id, [el("p", {}, ["A shared product; click one of its edges."])]);
    return;
  }
  const data = await gql(TEAM_PANEL, { id, asOf: input("asOf").value || null });
  const team = data.node;
  const incoming = team.planning.incomingDependencies.edges.map((/** @type {any} */ e) => e.node);
  const outgoing = team.planning.outgoingDependencies.edges.map((/** @type {any} */ e) => e.node);
  const flags = data.flags.edges.map((/** @type {any} */ e) => e.node);
  const items = el("button", { type: "button", id: "drill-items" }, ["Show its items and their dependencies"]);
  items.onclick = () => {
    input("team").value = id;
    input("level").value = "ITEM";
    redraw();
  };
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
  if (state.cy) { state.cy.elements().unselect(); state.cy.getElementById(id).select(); }
}

/** @param {MapEdge[]} members */
async function openEdge(members) {
  const asOf = input("asOf").value || null;
  const consumers = [...new Set(members.map((m) => m.target).filter((t) => t.startsWith("VGVhbT")))];
  const providers = [...new Set(members.map((m) => state.map.nodes.find((/** @type {MapNode} */ n) =>
    n.id === m.source)?.teamId || m.source))];
  const data = await gql(EDGE_DEPENDENCIES, { filter: { consumerTeamIds: consumers, providerTeamIds: providers,
    asOf }, asOf });
  const teamOf = (/** @type {string} */ id) =>
    state.map.nodes.find((/** @type {MapNode} */ n) => n.id === id)?.teamId || id;
  const wanted = new Set(members.map((m) => `${teamOf(m.source)}>${m.target}`));
  const rows = data.dependencies.edges.map((/** @type {any} */ e) => e.node);
  const labels = new Map(state.map.nodes.map((/** @type {MapNode} */ n) => [n.id, n.label]));
  showPanel(`${members.length} team pair${members.length === 1 ? "" : "s"}`, [
    el("p", {}, members.map((m) => `${labels.get(m.source)} → ${labels.get(m.target)} (${m.count}) `)),
    el("ul", { id: "panel-edge" }, rows
      .filter((/** @type {any} */ d) => wanted.has(`${d.providerTeam?.id}>${d.consumerTeam.id}`))
      .map((/** @type {any} */ d) => dependencyRow(d, "in"))),
  ]);
}

/** @param {string[]} ids */
function highlight(ids) {
  const cy = state.cy;
  cy.elements().removeClass("highlight faded");
  if (!ids.length) return;
  const chosen = cy.collection(ids.map((id) => cy.getElementById(id)).filter((/** @type {any} */ e) => e.nonempty()));
  cy.elements().not(chosen).not(chosen.ancestors()).addClass("faded");
  chosen.addClass("highlight");
}

function highlightCycles() {
  /** @type {string[]} */
  const ids = [];
  for (const cycle of state.map.cycles) {
    cycle.nodeIds.forEach((/** @type {string} */ id, /** @type {number} */ i) => {
      ids.push(id, `edge:${id}>${cycle.nodeIds[(i + 1) % cycle.nodeIds.length]}`);
    });
  }
  highlight(ids);
}

function highlightBottlenecks() {
  highlight(state.map.bottlenecks.slice(0, 5).map((/** @type {any} */ b) => b.teamId));
}

/** @param {string} itemId */
async function highlightBlast(itemId) {
  const data = await gql(BLAST, { id: itemId, asOf: input("asOf").value || null });
  highlight([itemId, ...data.blastRadius.teamIds, ...data.blastRadius.itemIds]);
}

function legend() {
  const box = /** @type {HTMLElement} */ (document.getElementById("legend"));
  const swatch = (/** @type {string} */ colour, /** @type {string} */ text) =>
    el("li", {}, [el("span", { class: "swatch", style: `background:${colour}` }), text]);
  box.replaceChildren(
    el("h3", {}, ["Teams (size: open work)"]),
    el("ul", {}, Object.entries(TOPOLOGY).map(([name, look]) => swatch(look.colour, `${name} (${look.shape})`))
      .concat([swatch("#475569", "product (diamond)")])),
    el("h3", {}, ["Dependencies (worst flag)"]),
    el("ul", {}, Object.entries(FLAG_COLOURS).map(([name, colour]) => swatch(colour, name))),
  );
}

async function start() {
  legend();
  const [groups, teams] = await Promise.all([
    allPages(GROUPS, {}, (d) => d.groups),
    allPages(TEAMS, {}, (d) => d.teams),
  ]);
  state.groups = groups;
  state.teams = new Map(teams.map((t) => [t.id, t]));
  const groupSelect = input("group");
  groupSelect.append(...groups.map((g) => el("option", { value: g.id }, [g.name])));
  const teamSelect = input("team");
  teamSelect.append(...teams.map((t) => el("option", { value: t.id }, [t.name])));
  applyUrl();
  /** @type {HTMLFormElement} */ (document.getElementById("filters")).addEventListener("change", () => {
    state.expanded.clear();
    redraw();
  });
  /** @type {HTMLElement} */ (document.getElementById("show-cycles")).onclick = highlightCycles;
  /** @type {HTMLElement} */ (document.getElementById("show-bottlenecks")).onclick = highlightBottlenecks;
  /** @type {HTMLElement} */ (document.getElementById("clear-highlight")).onclick = () => highlight([]);
  await redraw();
}

withSignIn(start);
