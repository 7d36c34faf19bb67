// GraphiQL served from the package (no CDN): the token comes from this tab's sessionStorage,
// as on the map, and goes in an Authorization header.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { buildClientSchema, getIntrospectionQuery } from "graphql";
import React from "react";
import { createRoot } from "react-dom/client";
import "graphiql/graphiql.css";

const KEY = "syncpoint.token";
const token = sessionStorage.getItem(KEY);
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const fetcher = createGraphiQLFetcher({ url: "/graphql", headers });
// A prefilled query (the map's "in GraphiQL" links) rides in the fragment: /graphql#query=…&variables=…
// (a GET /graphql?query=… would be run by the server instead of opening the IDE).
const prefill = new URLSearchParams(location.hash.slice(1));

// The server refuses documents deeper than 13 fields; graphql-js's introspection nests TypeRef
// eight levels deep. Five levels name every type Syncpoint has ([X!]! and [[X!]!]!).
function shallowIntrospection() {
  const full = getIntrospectionQuery({ descriptions: true });
  let ref = "kind name";
  for (let i = 0; i < 5; i++) ref = `kind name ofType { ${ref} }`;
  return `${full.slice(0, full.indexOf("fragment TypeRef"))}fragment TypeRef on __Type { ${ref} }`;
}

async function start() {
  let schema;
  const response = await fetch("/graphql", {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ query: shallowIntrospection(), operationName: "IntrospectionQuery" }),
  });
  const body = await response.json();
  if (body.data) schema = buildClientSchema(body.data);
  const root = createRoot(document.getElementById("graphiql"));
  root.render(
    <GraphiQL
      fetcher={fetcher}
      query={prefill.get("query") || undefined}
      variables={prefill.get("variables") || undefined}
      schema={schema}
      defaultEditorToolsVisibility
      headers={token ? "" : '{"Authorization": "Bearer sp_..."}'}
    />,
  );
}

start();
