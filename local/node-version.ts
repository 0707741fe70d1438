/**
 * Vigia needs Node.js 22 (aws-local-stepfunctions and the AWS SDK's next releases do): `npm start`
 * and `npm run simulate` say so and stop, as the CLI does (bin/vigia.mjs), instead of failing later
 * on every compliance task. Imported first, so it runs before the other modules are evaluated.
 */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  return major >= 22 ? undefined : `Node.js >= 22 is required (this is v${version}); see README "Node 22"`;
}

const problem = nodeVersionProblem();
if (problem) {
  console.error(`vigia: ${problem}.`);
  process.exit(1);
}
