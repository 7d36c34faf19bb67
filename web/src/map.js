// @ts-check
// The dependency map: Cytoscape.js draws dependencyMap on a canvas, teams clustered by group
// (compound nodes laid out by fCoSE; on a large map the groups are folded on a grid and open in
// place); a hidden list mirrors every drawn node and edge with
// data-node-id / data-source / data-target so scripts and tests can match it to the API.
// The side panels are in panels.js; this file holds the view (filters, selection, highlight).
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import svgExport from "cytoscape-svg";
import {
  FLAG_COLOURS, allPages, el, gql, saveViewState, todayIso, viewState, withSignIn,
} from "./common.js";
import { kindOf } from "./links.js";
import { connectPanels, openDependency, openEdge, openTeam } from "./panels.js";

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

/** @type {Record<string, {colour: string, shape: string}>} */
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
/** @param {any} map @returns {boolean} whether the map is drawn with its groups folded */
const aggregated = (map) => map.edges.length > AGGREGATE_ABOVE;

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
    edges { source target count worstFlag flags }
    cycles { nodeIds labels }
  } }`;
// The teams most others wait on, asked only to highlight them: on a map filtered by flags or
// dates the server works out their betweenness for that map alone, as long as the rest of it.
const BOTTLENECKS = `query Bottlenecks($filter: DependencyMapFilter, $asOf: Date, $level: MapLevel!) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) { bottlenecks { teamId } } }`;
// The dependencies an edge is made of, asked when an edge is clicked: on the whole map of a
// large organisation they are ~100,000 ids, as much again as the rest of the map.
const EDGE_IDS = `query EdgeIds($filter: DependencyMapFilter, $asOf: Date, $level: MapLevel!) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) { edges { source target dependencyIds } } }`;
const BLAST = `query Blast($id: ID!, $asOf: Date) {
  blastRadius(itemId: $id, asOf: $asOf) { itemCount teamCount teamIds itemIds } }`;

/** @typedef {{id: string, name: string, parent: {id: string} | null}} Group */
/** @typedef {{id: string, name: string, topology: string, framework: string, group: {id: string, name: string}}} Team */
/** @typedef {{id: string, key: string, label: string, kind: string, topology: string | null, openCount: number, lateCount: number, teamId: string | null}} MapNode */
/** @typedef {{source: string, target: string, count: number, worstFlag: string | null, flags: string[]}} MapEdge */
/** @typedef {{filter: Record<string, unknown>, asOf: string | null, level: string}} MapQuery */

/**
 * selected: a team, product, dependency or drawn edge (its Cytoscape id); highlight: "cycles",
 * "bottlenecks" or the id of the item whose blast radius is shown; expanded: groups opened
 * while the map is aggregated. All three are part of the view the URL holds.
 * query: the dependencyMap arguments the drawn map was fetched with.
 * @type {{groups: Group[], teams: Map<string, Team>, cy: any, map: any, query: MapQuery | null,
 *   expanded: Set<string>, selected: string | null, highlight: string | null}}
 */
const state = { groups: [], teams: new Map(), cy: null, map: null, query: null, expanded: new Set(),
  selected: null, highlight: null };

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
    highlight: state.highlight || null,
    open: [...state.expanded],
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
  state.highlight = params.get("highlight");
  state.expanded = new Set((params.get("open") || "").split(",").filter(Boolean));
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
    /** @type {string[]} */
    const nearIds = near.dependencyMap.nodes.filter((/** @type {MapNode} */ n) => n.kind === "TEAM")
      .map((/** @type {MapNode} */ n) => n.id);
    teamIds = nearIds.length ? nearIds : [/** @type {string} */ (f.team)];
  }
  if (teamIds) filter.teamIds = teamIds;
  const query = { filter, asOf: f.asOf, level: f.level || "TEAM" };
  return { map: (await gql(MAP, query)).dependencyMap, query };
}

/**
 * The dependency ids of drawn edges, as the server counted them (the map's own filters). On the
 * team map only the edges touching the edges' teams are asked: an edge's dependencies all touch
 * its two teams, so narrowing the teams to them keeps each of its ids.
 * @param {{source: string, target: string}[]} edges @returns {Promise<Map<string, string[]>>}
 */
async function dependencyIdsOf(edges) {
  const query = /** @type {MapQuery} */ (state.query);
  let filter = query.filter;
  if (query.level === "TEAM") {
    const teams = new Set(state.map.nodes.filter((/** @type {MapNode} */ n) => n.kind === "TEAM")
      .map((/** @type {MapNode} */ n) => n.id));
    const touched = new Set(edges.flatMap((e) => [e.source, e.target]).filter((id) => teams.has(id)));
    filter = { ...filter, teamIds: [...touched] };
  }
  const found = (await gql(EDGE_IDS, { ...query, filter })).dependencyMap.edges;
  return new Map(found.map((/** @type {any} */ e) => [`${e.source}>${e.target}`, e.dependencyIds]));
}

/** @param {MapEdge} edge */
const edgeColour = (edge) => FLAG_COLOURS[edge.worstFlag || "FINE"] || FLAG_COLOURS.FINE;

/**
 * Cytoscape elements: group clusters, team and product nodes, edges (aggregated between
 * collapsed clusters when the map is large, but for the `expanded` groups).
 * @param {any} map
 * @param {Set<string>} expanded
 */
function elements(map, expanded) {
  const aggregate = aggregated(map);
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
  const collapsed = (/** @type {string} */ groupId) => aggregate && !expanded.has(groupId);
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
    "border-color": "#94a3b8", "border-width": 1, width: 60, height: 40, padding: "14px" } },
  { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)",
    "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "curve-style": "bezier",
    opacity: 0.8 } },
  // Bundles between folded groups: hundreds of them on a large map, so no dashes (a dashed
  // line costs the canvas several times a solid one) and their counts only once zoomed in.
  { selector: "edge[?bundle]", style: { label: "data(count)", "font-size": 8, "min-zoomed-font-size": 9,
    "text-background-color": "#fff", "text-background-opacity": 0.7, "arrow-scale": 0.7, opacity: 0.35,
    // each bundle bends by a fixed offset from its own direction, so a pair's two bundles curve
    // apart without Cytoscape's parallel-edge pass over all of them (~0.16 s of a large redraw)
    "curve-style": "unbundled-bezier", "control-point-distances": 12, "control-point-weights": 0.5 } },
  { selector: ".highlight", style: { "border-width": 4, "border-color": "#facc15", "line-color": "#facc15",
    "target-arrow-color": "#facc15", opacity: 1, "z-index": 10 } },
  { selector: ".faded", style: { opacity: 0.15 } },
  { selector: ":selected", style: { "border-width": 3, "border-color": "#111827" } },
];

/**
 * The mirror's entries by what they stand for: a node's id, or "edge:source>target" (the id of
 * the drawn edge), so pairing them with the drawing and highlighting look up only what is drawn
 * or chosen instead of walking the ~25,000 entries of a large map.
 * @type {Map<string, HTMLElement>}
 */
let mirrored = new Map();
/** @type {Map<string, HTMLElement>} the mirror's group entries by the id of their drawn cluster */
let mirroredClusters = new Map();

/**
 * The hidden, accessible list of what is drawn: one entry per node and per edge of the map.
 * @param {any} map
 */
function mirror(map) {
  const list = /** @type {HTMLElement} */ (document.getElementById("map-mirror"));
  const labels = new Map(map.nodes.map((/** @type {MapNode} */ n) => [n.id, n.label]));
  mirrored = new Map();
  mirroredClusters = new Map();
  highlighted = [];
  for (const n of /** @type {MapNode[]} */ (map.nodes)) {
    mirrored.set(n.id, el("li", { "data-node-id": n.id, "data-kind": n.kind, "data-topology": n.topology || "" },
      [`${n.kind.toLowerCase()} ${n.label}: ${n.openCount} open`]));
  }
  for (const e of /** @type {MapEdge[]} */ (map.edges)) {
    mirrored.set(`edge:${e.source}>${e.target}`, el("li", { "data-source": e.source, "data-target": e.target,
      "data-worst-flag": e.worstFlag || "" },
    [`${labels.get(e.source)} → ${labels.get(e.target)}: ${e.count} (${e.worstFlag || "fine"})`]));
  }
  list.replaceChildren(...mirrored.values());
}

async function redraw() {
  const started = performance.now();
  const filters = readFilters();
  saveViewState(filters);
  crumbs(filters);
  const status = /** @type {HTMLElement} */ (document.getElementById("status"));
  status.textContent = "Loading…";
  document.body.dataset.state = "loading";
  const { map, query } = await fetchMap(filters);
  const fetched = performance.now();
  state.map = map;
  state.query = query;
  const cy = draw(map);
  // The picture first, then its mirror: the ~25,000 entries of a large map are built after the
  // frame that paints the canvas, so a filter's result is seen that much sooner.
  await nextFrame();
  const painted = performance.now();
  mirror(map);
  mirrorDrawn(cy);
  await Promise.all([restoreSelection(cy), applyHighlight()]);
  const ms = Math.round(performance.now() - started);
  document.body.dataset.fetchMs = String(Math.round(fetched - started));
  document.body.dataset.paintMs = String(Math.round(painted - started));
  document.body.dataset.renderMs = String(Math.round(performance.now() - fetched));
  const teams = map.nodes.filter((/** @type {MapNode} */ n) => n.kind === "TEAM").length;
  const items = map.nodes.filter((/** @type {MapNode} */ n) => n.kind === "ITEM").length;
  status.textContent = `As of ${map.asOf}: ${items ? `${items} items` : `${teams} teams`}, ` +
    `${map.nodes.length - teams - items} products, ` +
    `${map.edges.length} edges${aggregated(map) ?
      " (aggregated between groups: click a group to open it)" : ""} · fetched in ${document.body.dataset.fetchMs} ms, ` +
    `shown after ${document.body.dataset.paintMs} ms, drawn in ${document.body.dataset.renderMs} ms`;
  document.body.dataset.drawMs = String(ms);
  document.body.dataset.state = "ready";
}

/**
 * The drill-down path above the map (organisation › group › team › its items); each step up
 * is a button that widens the view again.
 * @param {ReturnType<typeof readFilters>} f
 */
function crumbs(f) {
  const nav = /** @type {HTMLElement} */ (document.getElementById("crumbs"));
  /** @param {string} name @param {string} label @param {Record<string, string>} fields */
  const step = (name, label, fields) => {
    const button = el("button", { type: "button", class: "link", "data-crumb": name }, [label]);
    button.onclick = () => {
      for (const [id, value] of Object.entries(fields)) input(id).value = value;
      state.expanded.clear();
      redraw();
    };
    return button;
  };
  /** @type {(Node | string)[]} */
  const parts = [step("organisation", "Whole organisation", { group: "", team: "", level: "TEAM" })];
  if (f.group) {
    const group = state.groups.find((g) => g.id === f.group);
    parts.push(" › ", step("group", group ? group.name : "group", { team: "", level: "TEAM" }));
  }
  if (f.team) {
    const team = state.teams.get(f.team);
    parts.push(" › ", step("team", `${team ? team.name : "team"} and its neighbours`, { level: "TEAM" }));
  }
  if (f.level === "ITEM") parts.push(" › ", el("span", { "data-crumb": "items" }, ["items"]));
  nav.replaceChildren(...parts);
}

/** @returns {Promise<void>} once the next frame has been painted (the task after it) */
const nextFrame = () => new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });

/**
 * The canvas, made once: its handlers and its resize watch stay; each drawing replaces its
 * elements. A new Cytoscape instance per drawing built the whole large map's layer textures
 * before its first frame: redrawing into the same one paints the elements directly and builds
 * those textures in the frames after (back to the whole 500-team map: ~1.05 -> ~0.63 s).
 * @returns {any} the Cytoscape instance
 */
function canvas() {
  if (state.cy) return state.cy;
  const container = /** @type {HTMLElement} */ (document.getElementById("cy"));
  // "preset" without a fit: the constructor would otherwise run a grid layout and a fit of its
  // own (the fit works out every bundle's curve to bound them) before each drawing's layout.
  const cy = cytoscape({ container, layout: { name: "preset", fit: false }, style: STYLE,
    wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
  cy.on("viewport", positionsSoon);
  // The page may reflow after the first draw (toolbar, panel, fonts): Cytoscape keeps the size
  // it measured, so taps and the mirror's positions would be off until it measures again.
  // Its first call (the size just measured) is skipped: a resize redraws the whole canvas.
  let size = `${container.clientWidth}x${container.clientHeight}`;
  new ResizeObserver(() => {
    const now = `${container.clientWidth}x${container.clientHeight}`;
    if (now === size) return;
    size = now;
    cy.resize();
    positions();
  }).observe(container);
  cy.on("tap", "node[kind = 'TEAM']", (/** @type {any} */ event) => openTeam(event.target.id()));
  cy.on("tap", "node[kind = 'PRODUCT']", (/** @type {any} */ event) => openTeam(event.target.id()));
  cy.on("tap", "node[kind = 'ITEM']", (/** @type {any} */ event) => setHighlight(event.target.id()));
  cy.on("tap", "node[?cluster]", (/** @type {any} */ event) => openCluster(event.target.data("groupId")));
  cy.on("tap", "edge", (/** @type {any} */ event) => openEdge(event.target.data("members"), event.target.id()));
  state.cy = cy;
  return cy;
}

/**
 * Draw the map: its elements in place of the last drawing's, and the layout (the mirror is the
 * caller's).
 * @param {any} map @returns {any} the Cytoscape instance
 */
function draw(map) {
  placed = []; // what the mirror placed was the last drawing's
  const aggregate = aggregated(map);
  const cy = canvas();
  const wanted = elements(map, aggregate ? new Set() : state.expanded);
  cy.batch(() => {
    cy.elements().remove();
    cy.add(wanted);
  });
  if (aggregate) {
    // Every pair of groups is linked on a large map: a force layout can only pile the folded
    // groups onto each other. They sit on a grid in name order instead, the bundles' width and
    // count telling the weight, and each group the URL opens grows in place.
    cy.nodes().layout(/** @type {any} */ ({ name: "grid", fit: true, padding: 30, animate: false,
      avoidOverlap: true, avoidOverlapPadding: 30,
      sort: (/** @type {any} */ a, /** @type {any} */ b) => clusterOrder(a).localeCompare(clusterOrder(b)) })).run();
    const opened = new Set();
    for (const groupId of state.expanded) {
      opened.add(groupId);
      unfold(cy, map, groupId, opened);
    }
    if (opened.size) cy.fit(undefined, 30);
  } else {
    const large = cy.nodes().length > 150;
    cy.layout(/** @type {any} */ ({ name: "fcose", animate: false, quality: large ? "draft" : "default",
      randomize: true, nodeRepulsion: 6000, idealEdgeLength: 80, packComponents: true,
      numIter: large ? 600 : 2500, tile: true })).run();
  }
  return cy;
}

/**
 * Reopen the panel the URL names: a drawn team, product or edge, or a dependency.
 * @param {any} cy
 */
async function restoreSelection(cy) {
  const id = state.selected;
  if (!id) return;
  const drawn = cy.getElementById(id);
  if (drawn.nonempty() && drawn.isEdge()) await openEdge(drawn.data("members"), id);
  else if (kindOf(id) === "Dependency") await openDependency(id);
  else if (drawn.nonempty() && !drawn.data("cluster")) await openTeam(id);
}

/**
 * The group clusters drawn, in the mirror too (with their positions), for scripts and tests.
 * @param {any} cy
 */
function mirrorClusters(cy) {
  const list = /** @type {HTMLElement} */ (document.getElementById("map-mirror"));
  for (const old of mirroredClusters.values()) old.remove();
  mirroredClusters = new Map(cy.nodes("[?cluster]").map((/** @type {any} */ c) => [c.id(), el("li", {
    "data-group-id": c.data("groupId"), "data-collapsed": String(c.children().empty()) }, [`group ${c.data("label")}`])]));
  list.append(...mirroredClusters.values());
}

/**
 * The mirror after the drawing changed (drawn, or a group opened): its groups, and where
 * everything drawn is.
 * @param {any} cy
 */
function mirrorDrawn(cy) {
  mirrorClusters(cy);
  pairMirror(cy);
}

/** @type {{li: HTMLElement, drawn: any, group: boolean}[]} the mirror's entries that are drawn */
let placed = [];
/** @type {HTMLElement[]} the mirror's entries marked data-highlighted */
let highlighted = [];
let placing = 0;

/**
 * Pair each mirror entry with what is drawn of it, once per drawing (a large map mirrors
 * ~25,000 edges, most folded into group bundles): entries of what is no longer drawn lose their
 * position, and a pan or zoom then moves only the drawn ones. Only what is drawn is looked up.
 * @param {any} cy
 */
function pairMirror(cy) {
  const before = placed;
  placed = [];
  for (const drawn of cy.elements()) {
    const id = drawn.id();
    const group = mirroredClusters.get(id);
    const li = group || mirrored.get(id);
    if (li) placed.push({ li, drawn, group: Boolean(group) });
  }
  const still = new Set(placed.map((p) => p.li));
  for (const { li } of before) {
    if (still.has(li)) continue;
    delete li.dataset.x;
    delete li.dataset.y;
    delete li.dataset.box;
  }
  positions();
}

/**
 * Where each drawn node, edge (its midpoint) and group is on the canvas (pixels from its top
 * left; a group: a point on its top border strip, clear of its teams, and its box as
 * data-box="x1,y1,x2,y2"), kept on the mirror so a script can click it; what is folded into a
 * group cluster has none.
 */
function positions() {
  for (const { li, drawn, group } of placed) {
    let at = drawn.isEdge() ? drawn.renderedMidpoint() : drawn.renderedPosition();
    if (group) {
      const box = drawn.renderedBoundingBox({ includeLabels: false });
      li.dataset.box = [box.x1, box.y1, box.x2, box.y2].map(Math.round).join(",");
      if (drawn.children().nonempty()) at = { x: (box.x1 + box.x2) / 2, y: box.y1 + 3 };
    }
    li.dataset.x = String(Math.round(at.x));
    li.dataset.y = String(Math.round(at.y));
  }
}

/** Positions again once per frame while the view pans or zooms. */
function positionsSoon() {
  if (!placing) placing = requestAnimationFrame(() => { placing = 0; positions(); });
}

/**
 * Drill down from a group: a cluster folded into one node (a large map) opens in place; an
 * open one becomes the group filter, so the map shows that group's teams and their neighbours.
 * @param {string} groupId
 */
function openCluster(groupId) {
  if (state.map && aggregated(state.map) && !state.expanded.has(groupId)) {
    const started = performance.now();
    state.expanded.add(groupId);
    saveViewState(readFilters());
    unfold(state.cy, state.map, groupId, state.expanded);
    keepInView(state.cy, state.cy.getElementById(`cluster:${groupId}`));
    mirrorDrawn(state.cy);
    applyHighlight();
    // From the tap to the group's teams shown (the frame that paints them included).
    nextFrame().then(() => { document.body.dataset.openMs = String(Math.round(performance.now() - started)); });
    return;
  }
  if (groupId === "ungrouped" || input("group").value === groupId) return;
  input("group").value = groupId;
  input("team").value = "";
  input("level").value = "TEAM";
  state.expanded.clear();
  redraw();
}

/**
 * Pan as little as brings `drawn` (a group just opened) into the canvas, if it fits.
 * @param {any} cy @param {any} drawn
 */
function keepInView(cy, drawn) {
  const box = drawn.renderedBoundingBox({ includeLabels: true });
  /** @param {number} low @param {number} high @param {number} size */
  const by = (low, high, size) => (low < 0 ? -low + 10 : high > size ? Math.max(-low + 10, size - high - 10) : 0);
  const shift = { x: by(box.x1, box.x2, cy.width()), y: by(box.y1, box.y2, cy.height()) };
  if (shift.x || shift.y) cy.panBy(shift);
}

/** Grid step of a group's teams opened in place (model pixels: the largest team is 58). */
const UNFOLD_STEP = 80;

/** @param {any} cluster @returns {string} where a folded group sits on the grid (products last) */
const clusterOrder = (cluster) => (cluster.data("groupId") === "ungrouped" ? "\uffff" : cluster.data("label"));

/**
 * Open a folded group in place: its teams are drawn inside it, the bundles touching it are
 * split into the edges they stand for, and only its teams are laid out, in a grid where the
 * folded group was. Everything else keeps its place, moved outwards by as much as the group
 * grew (what shares its column moves only up or down, what shares its row only sideways), so
 * nothing comes to lie on it and the picture does not jump: a new layout of the whole large
 * map took seconds and moved every group.
 * @param {any} cy
 * @param {any} map the drawn map
 * @param {string} groupId
 * @param {Set<string>} expanded the groups open once this one is (it included)
 */
function unfold(cy, map, groupId, expanded) {
  const cluster = cy.getElementById(`cluster:${groupId}`);
  if (cluster.empty() || cluster.isParent()) return;
  const before = cluster.boundingBox({ includeLabels: true });
  const at = { x: (before.x1 + before.x2) / 2, y: (before.y1 + before.y2) / 2 };
  const wanted = elements(map, expanded);
  const ids = new Set(wanted.map((e) => e.data.id));
  cy.batch(() => {
    cy.edges().filter((/** @type {any} */ e) => !ids.has(e.id())).remove();
    const have = new Set(cy.elements().map((/** @type {any} */ e) => e.id()));
    cy.add(wanted.filter((e) => !have.has(e.data.id)));
  });
  const teams = cluster.children();
  const columns = Math.max(1, Math.ceil(Math.sqrt(teams.length)));
  const rows = Math.max(1, Math.ceil(teams.length / columns));
  teams.layout({ name: "grid", fit: false, animate: false, avoidOverlap: true, condense: true,
    cols: columns, rows, boundingBox: { x1: at.x - (columns * UNFOLD_STEP) / 2,
      y1: at.y - (rows * UNFOLD_STEP) / 2, w: columns * UNFOLD_STEP, h: rows * UNFOLD_STEP } }).run();
  cluster.updateCompoundBounds(true); // a compound's bounds are otherwise still the folded ones
  const after = cluster.boundingBox({ includeLabels: true });
  const grew = { left: Math.max(0, before.x1 - after.x1), right: Math.max(0, after.x2 - before.x2),
    up: Math.max(0, before.y1 - after.y1), down: Math.max(0, after.y2 - before.y2) };
  /** @param {number} centre @param {number} low @param {number} high @param {number} less @param {number} more */
  const away = (centre, low, high, less, more) => (centre < low ? -less : centre > high ? more : 0);
  cy.batch(() => {
    for (const root of cy.nodes().orphans().not(cluster)) {
      const box = root.boundingBox({ includeLabels: false });
      const shift = { x: away((box.x1 + box.x2) / 2, before.x1, before.x2, grew.left, grew.right),
        y: away((box.y1 + box.y2) / 2, before.y1, before.y2, grew.up, grew.down) };
      (root.isParent() ? root.descendants().not(":parent") : root).shift(shift);
    }
  });
}

/**
 * Emphasise what is drawn among `ids` (and mark it in the mirror: data-highlighted).
 * @param {string[]} ids
 */
function highlight(ids) {
  const cy = state.cy;
  cy.elements(".highlight, .faded").removeClass("highlight faded");
  for (const li of highlighted) delete li.dataset.highlighted;
  highlighted = ids.map((id) => mirrored.get(id)).filter((li) => li !== undefined);
  for (const li of highlighted) li.dataset.highlighted = "true";
  if (!ids.length) return;
  const chosen = cy.collection(ids.map((id) => cy.getElementById(id)).filter((/** @type {any} */ e) => e.nonempty()));
  cy.elements().not(chosen).not(chosen.ancestors()).addClass("faded");
  chosen.addClass("highlight");
}

/** @returns {string[]} the nodes and edges of every cycle dependencyMap found */
function cycleIds() {
  /** @type {string[]} */
  const ids = [];
  for (const cycle of state.map.cycles) {
    cycle.nodeIds.forEach((/** @type {string} */ id, /** @type {number} */ i) => {
      ids.push(id, `edge:${id}>${cycle.nodeIds[(i + 1) % cycle.nodeIds.length]}`);
    });
  }
  return ids;
}

/**
 * Highlight on request, kept in the URL: "cycles", "bottlenecks" (the five teams most wait
 * on), an item's id (its blast radius: every transitive consumer and their teams) or null.
 * @param {string | null} value
 */
function setHighlight(value) {
  state.highlight = value;
  saveViewState(readFilters());
  return applyHighlight();
}

async function applyHighlight() {
  const value = state.highlight;
  if (!value || !state.cy) return highlight([]);
  if (value === "cycles") return highlight(cycleIds());
  if (value === "bottlenecks") {
    const drawn = state.map;
    const found = (await gql(BOTTLENECKS, /** @type {MapQuery} */ (state.query))).dependencyMap.bottlenecks;
    if (state.map !== drawn) return undefined; // redrawn meanwhile: that drawing highlights
    return highlight(found.slice(0, 5).map((/** @type {any} */ b) => b.teamId));
  }
  const data = await gql(BLAST, { id: value, asOf: input("asOf").value || null });
  highlight([value, ...data.blastRadius.teamIds, ...data.blastRadius.itemIds]);
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
  connectPanels({
    map: () => state.map,
    cy: () => state.cy,
    asOf: () => input("asOf").value || null,
    dependencyIdsOf,
    select: (id) => {
      state.selected = id;
      saveViewState(readFilters());
    },
    drillIntoItems: (teamId) => {
      input("team").value = teamId;
      input("level").value = "ITEM";
      redraw();
    },
    showBlast: (itemId) => { setHighlight(itemId); },
  });
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
  /** @type {HTMLElement} */ (document.getElementById("show-cycles")).onclick = () => setHighlight("cycles");
  /** @type {HTMLElement} */ (document.getElementById("show-bottlenecks")).onclick = () => setHighlight("bottlenecks");
  /** @type {HTMLElement} */ (document.getElementById("clear-highlight")).onclick = () => setHighlight(null);
  await redraw();
}

withSignIn(start);
