// Runs the graphql-http server audit against the URL given as the first argument and prints
// one JSON line per audit: {id, name, status, reason}. Exit code 0 whatever the results; the
// Python test judges them.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
  }
  console.log(JSON.stringify(line));
}
