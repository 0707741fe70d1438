#!/usr/bin/env node
// The `vigia` command: runs the TypeScript CLI through tsx, so no build step is needed.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`vigia: Node.js >= 22 is required (this is ${process.version}); see README "Node 22".`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
