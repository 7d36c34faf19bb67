// @ts-check
// The cadence timeline: one lane per team on a shared calendar (SVG drawn in the browser),
// sprints as bars, Kanban teams with their service-level expectation, integration points as
// vertical lines, dependencies as arrows from the provider's sprint to the consumer's (red when
// late), misaligned cadences annotated with the offset and the suggested anchor shift.
// With ?point=<IntegrationPoint id>: the participating lanes around its date, teams at risk first.
import { FLAG_COLOURS, addDays, allPages, el, gql, saveViewState, todayIso, viewState, withSignIn } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
const LANE = 34;
const LEFT = 190;
const DAY = 9;

const GROUPS = `query Groups($after: String) {
  groups(rootsOnly: false, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
const TEAMS = `query Teams($after: String, $filter: TeamFilter, $from: Date!, $to: Date, $on: Date) {
  teams(filter: $filter, first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
    id name framework
    planning { cadence(on: $on) { lengthDays anchor } serviceLevelExpectation(on: $on) { percentile days }
      sprints(from: $from, to: $to) { startDate endDate name } } } } } }`;
const POINTS = `query Points($after: String, $from: Date, $to: Date) {
  integrationPoints(from: $from, to: $to, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id name date teams { id } } } } }`;
const DEPENDENCIES = `query Deps($after: String, $asOf: Date) {
  dependencies(filter: { statuses: [OPEN] }, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id
      consumerTeam { id name } providerTeam { id name }
      neededBy(asOf: $asOf) availableFrom(asOf: $asOf) lateByDays(asOf: $asOf) isLate(asOf: $asOf) } } } }`;
const MISALIGNED = `query Misaligned($asOf: Date, $after: String) {
  flags(filter: { codes: [CADENCE_MISALIGNED] }, asOf: $asOf, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { message numbers teamIds } } } }`;
const RISK = `query Risk($id: ID!, $asOf: Date) {
  integrationPointRisk(id: $id, asOf: $asOf) { integrationPointId name date atRisk
    teams { teamId readyDate lateByDays atRisk boundaryBefore boundaryAfter team { id name framework }
      flags { code message } }
    flags { code message numbers teamIds } } }`;

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {string} a @param {string} b @returns {number} days from a to b */
const daysBetween = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 86400000);

/**
 * @typedef {{id: string, name: string, framework: string, readiness?: any,
 *   planning: {cadence: {lengthDays: number, anchor: string} | null,
 *   serviceLevelExpectation: {percentile: number, days: number} | null,
 *   sprints: {startDate: string, endDate: string, name: string}[]}}} Lane
 */

/**
 * Draw the calendar.
 * @param {{from: string, to: string, lanes: Lane[], points: any[], dependencies: any[], misaligned: any[],
 *   asOf: string}} view
 */
function render(view) {
  const days = daysBetween(view.from, view.to) + 1;
  const width = LEFT + days * DAY + 20;
  const top = 40;
  const height = top + view.lanes.length * LANE + 20;
  const x = (/** @type {string} */ day) => LEFT + daysBetween(view.from, day) * DAY;
  const laneY = new Map(view.lanes.map((lane, i) => [lane.id, top + i * LANE]));
  const root = svg("svg", { id: "timeline-svg", xmlns: SVG, width, height, viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": "Sprint timeline" });
  root.append(svg("defs", {}));
  /** @type {Element} */ (root.firstChild).innerHTML =
    `<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker>`;
  for (let d = 0; d < days; d += 7) {
    const day = addDays(view.from, d);
    root.append(svg("line", { x1: x(day), x2: x(day), y1: 20, y2: height, stroke: "#e5e7eb" }),
      svg("text", { x: x(day) + 2, y: 16, "font-size": 10, fill: "#6b7280" }, day));
  }
  root.append(svg("line", { class: "today", x1: x(view.asOf), x2: x(view.asOf), y1: 20, y2: height,
    stroke: "#2563eb", "stroke-dasharray": "2 3" }));
  const notes = new Map();
  for (const flag of view.misaligned) {
    const teamId = flag.teamIds[0];
    const n = flag.numbers;
    if (!notes.has(teamId)) notes.set(teamId, `offset ${n.offsetDays} d; shift anchor ${n.suggestedShiftDays > 0 ? "+" : ""}${n.suggestedShiftDays} d → ${n.suggestedAnchor}`);
  }
  view.lanes.forEach((lane, i) => {
    const y = top + i * LANE;
    const g = svg("g", { class: "lane", "data-team-id": lane.id, "data-framework": lane.framework });
    g.append(svg("rect", { x: 0, y, width, height: LANE, fill: i % 2 ? "#f8fafc" : "#ffffff" }));
    g.append(svg("text", { x: 6, y: y + 14, "font-size": 12, "font-weight": 600 }, lane.name));
    const cadence = lane.planning.cadence;
    const sle = lane.planning.serviceLevelExpectation;
    const sub = lane.framework === "KANBAN"
      ? `Kanban · SLE ${sle ? `${sle.percentile}% within ${sle.days} d` : "none"}`
      : `${lane.framework} · ${cadence ? `${cadence.lengthDays} d from ${cadence.anchor}` : "no cadence"}`;
    g.append(svg("text", { x: 6, y: y + 27, "font-size": 10, fill: "#6b7280" }, sub));
    for (const sprint of lane.planning.sprints) {
      const start = sprint.startDate < view.from ? view.from : sprint.startDate;
      const end = sprint.endDate > view.to ? view.to : sprint.endDate;
      g.append(svg("rect", { class: "sprint", x: x(start) + 1, y: y + 5, width: (daysBetween(start, end) + 1) * DAY - 2,
        height: LANE - 10, rx: 3, fill: "#bfdbfe", stroke: "#3b82f6", "data-start": sprint.startDate,
        "data-end": sprint.endDate }));
    }
    if (lane.framework === "KANBAN" && sle) {
      g.append(svg("rect", { class: "sle", x: x(view.asOf), y: y + 12, width: sle.days * DAY, height: 10,
        fill: "#ccfbf1", stroke: "#0d9488" }));
    }
    if (notes.has(lane.id)) {
      g.append(svg("text", { class: "misaligned", x: LEFT + 4, y: y + LANE - 2, "font-size": 10, fill: FLAG_COLOURS.CADENCE_MISALIGNED },
        `misaligned: ${notes.get(lane.id)}`));
    }
    if (lane.readiness) {
      const r = lane.readiness;
      if (r.readyDate && r.readyDate >= view.from && r.readyDate <= view.to) {
        g.append(svg("circle", { class: "ready", cx: x(r.readyDate), cy: y + LANE / 2, r: 5,
          fill: r.atRisk ? FLAG_COLOURS.LATE : FLAG_COLOURS.FINE }));
      }
      g.append(svg("text", { x: width - 10, y: y + 14, "font-size": 10, "text-anchor": "end",
        fill: r.atRisk ? FLAG_COLOURS.LATE : "#374151" },
        `ready ${r.readyDate || "undated"}${r.atRisk ? ` · at risk${r.lateByDays ? `, ${r.lateByDays} d late` : ""}` : ""}`));
    }
    root.append(g);
  });
  for (const dep of view.dependencies) {
    const y1 = laneY.get(dep.providerTeam?.id);
    const y2 = laneY.get(dep.consumerTeam.id);
    if (y1 === undefined || y2 === undefined || !dep.availableFrom || !dep.neededBy) continue;
    const x1 = x(dep.availableFrom);
    const x2 = x(dep.neededBy);
    const colour = dep.isLate ? FLAG_COLOURS.LATE : "#64748b";
    root.append(svg("path", { class: "dependency", "data-dependency-id": dep.id,
      "data-source": dep.providerTeam.id, "data-target": dep.consumerTeam.id,
      d: `M${x1},${y1 + LANE / 2} C${x1 + 30},${y1 + LANE / 2} ${x2 - 30},${y2 + LANE / 2} ${x2},${y2 + LANE / 2}`,
      fill: "none", stroke: colour, "stroke-width": dep.isLate ? 2 : 1, "marker-end": "url(#arrow)" }));
  }
  for (const point of view.points) {
    root.append(svg("line", { class: "integration-point", "data-integration-point-id": point.id,
      x1: x(point.date), x2: x(point.date), y1: 20, y2: height, stroke: FLAG_COLOURS.INTEGRATION_AT_RISK,
      "stroke-width": 3, cursor: "pointer" }),
      svg("text", { x: x(point.date) + 3, y: 30, "font-size": 11, fill: FLAG_COLOURS.INTEGRATION_AT_RISK }, point.name));
  }
  const host = /** @type {HTMLElement} */ (document.getElementById("timeline"));
  host.replaceChildren(root);
  for (const line of root.querySelectorAll("line.integration-point")) {
    line.addEventListener("click", () => {
      input("point").value = line.getAttribute("data-integration-point-id") || "";
      redraw();
    });
  }
}

async function wholeTimeline() {
  const asOf = input("asOf").value || todayIso();
  const from = input("from").value || addDays(asOf, -14);
  const to = input("to").value || addDays(asOf, 70);
  const group = input("group").value || null;
  const filter = group ? { groupId: group } : null;
  const [lanes, points, dependencies, misaligned] = await Promise.all([
    allPages(TEAMS, { filter, from, to, on: asOf }, (d) => d.teams),
    allPages(POINTS, { from, to }, (d) => d.integrationPoints),
    allPages(DEPENDENCIES, { asOf }, (d) => d.dependencies),
    allPages(MISALIGNED, { asOf }, (d) => d.flags),
  ]);
  render({ from, to, lanes, points, dependencies, misaligned, asOf });
  return `${lanes.length} teams, ${points.length} integration points, ${dependencies.length} dependencies`;
}

/** @param {string} pointId */
async function pointTimeline(pointId) {
  const asOf = input("asOf").value || todayIso();
  const risk = (await gql(RISK, { id: pointId, asOf })).integrationPointRisk;
  const from = addDays(risk.date, -35);
  const to = addDays(risk.date, 21);
  const readiness = [...risk.teams].sort((a, b) => Number(b.atRisk) - Number(a.atRisk) || b.lateByDays - a.lateByDays);
  const ids = readiness.map((r) => r.teamId);
  const lanes = await Promise.all(ids.map(async (id) => {
    const data = await gql(`query Lane($id: ID!, $from: Date!, $to: Date, $on: Date) { node(id: $id) { ... on Team {
      id name framework planning { cadence(on: $on) { lengthDays anchor } serviceLevelExpectation(on: $on) { percentile days }
      sprints(from: $from, to: $to) { startDate endDate name } } } } }`, { id, from, to, on: asOf });
    return { ...data.node, readiness: readiness.find((r) => r.teamId === id) };
  }));
  const misaligned = risk.flags.filter((/** @type {any} */ f) => f.code === "CADENCE_MISALIGNED");
  render({ from, to, lanes, points: [{ id: risk.integrationPointId, name: risk.name, date: risk.date }],
    dependencies: [], misaligned, asOf });
  const list = /** @type {HTMLElement} */ (document.getElementById("risk"));
  list.replaceChildren(el("h2", {}, [`${risk.name} on ${risk.date}${risk.atRisk ? ": at risk" : ""}`]),
    el("ol", {}, risk.flags.map((/** @type {any} */ f) => el("li", { "data-flag": f.code }, [f.message]))));
  return `${risk.name}: ${lanes.length} teams, ${readiness.filter((r) => r.atRisk).length} at risk`;
}

async function redraw() {
  const started = performance.now();
  const point = input("point").value || null;
  saveViewState({ point, group: input("group").value, asOf: input("asOf").value, from: input("from").value,
    to: input("to").value });
  document.body.dataset.state = "loading";
  const summary = point ? await pointTimeline(point) : await wholeTimeline();
  const ms = Math.round(performance.now() - started);
  /** @type {HTMLElement} */ (document.getElementById("status")).textContent = `${summary} · drawn in ${ms} ms`;
  document.body.dataset.drawMs = String(ms);
  document.body.dataset.state = "ready";
}

async function start() {
  const params = viewState();
  const [groups, points] = await Promise.all([
    allPages(GROUPS, {}, (d) => d.groups),
    allPages(POINTS, {}, (d) => d.integrationPoints),
  ]);
  input("group").append(...groups.map((g) => el("option", { value: g.id }, [g.name])));
  input("point").append(...points.map((p) => el("option", { value: p.id }, [`${p.date} ${p.name}`])));
  input("group").value = params.get("group") || "";
  input("point").value = params.get("point") || "";
  input("asOf").value = params.get("asOf") || todayIso();
  input("from").value = params.get("from") || "";
  input("to").value = params.get("to") || "";
  /** @type {HTMLFormElement} */ (document.getElementById("filters")).addEventListener("change", () => { redraw(); });
  await redraw();
}

withSignIn(start);
