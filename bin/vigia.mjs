#!/usr/bin/env node
// The `vigia` command: runs the CLI bundled from cli/ (bin/cli-bundle.mjs builds it when needed).
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`vigia: Node.js >= 22 is required (this is ${process.version}); see README "Node 22".`);
  process.exit(1);
}
const { cliEntry } = await import('./cli-bundle.mjs');
let entry;
try {
  entry = await cliEntry();
} catch (error) {
  console.error(`vigia: ${error.message}`);
  process.exit(1);
}
const { run } = await import(entry);
await run(process.argv.slice(2));
