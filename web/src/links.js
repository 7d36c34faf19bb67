// @ts-check
// Where the map's panels link to. Every link is a path of this site carrying view parameters
// only: the token stays in sessionStorage and travels as a header, so a link can be shared.

/**
 * The GraphQL type a global id names ("Team", "Dependency", "BacklogItem", "Product"...).
 * @param {string} id
 * @returns {string}
 */
export function kindOf(id) {
  try {
    return atob(id).split(":")[0];
  } catch {
    return ""; // not a global id (a cluster or an edge of the drawing)
  }
}

/** What GraphiQL opens with for one dependency: the panel's facts and a few more. */
export const DEPENDENCY_QUERY = `query Dependency($id: ID!, $asOf: Date) {
  node(id: $id) {
    ... on Dependency {
      id type status description explicitNeededBy
      consumer { key title status sprint { name startDate endDate } team { name } }
      provider { key title status sprint { name startDate endDate } team { name } }
      neededBy(asOf: $asOf) availableFrom(asOf: $asOf) availabilityRule(asOf: $asOf)
      lateByDays(asOf: $asOf) handoffLagDays(asOf: $asOf)
      flags(asOf: $asOf) { code severity message numbers }
    }
  }
}`;

/**
 * GraphiQL with the dependency's query and variables prefilled. They ride in the fragment
 * (after #), which the browser never sends: the server would run a GET ?query= instead of
 * opening the IDE, and the fragment stays out of access logs.
 * @param {string} dependencyId
 * @param {string | null} asOf
 * @returns {string}
 */
export function graphiqlLink(dependencyId, asOf) {
  const variables = JSON.stringify({ id: dependencyId, asOf: asOf || null });
  return `/graphql#${new URLSearchParams({ query: DEPENDENCY_QUERY, variables })}`;
}

/**
 * The timeline of one integration point (its teams' lanes around the date, teams at risk first).
 * @param {string} pointId
 * @param {string | null} asOf
 * @returns {string}
 */
export function timelineLink(pointId, asOf) {
  const params = new URLSearchParams({ point: pointId });
  if (asOf) params.set("asOf", asOf);
  return `/timeline?${params}`;
}

/**
 * This map page with the same view and another selection (a dependency's own panel).
 * @param {URLSearchParams} view the page's current view parameters
 * @param {string} selected
 * @returns {string}
 */
export function mapLink(view, selected) {
  const params = new URLSearchParams(view);
  params.delete("token");
  params.set("selected", selected);
  return `/map?${params}`;
}
