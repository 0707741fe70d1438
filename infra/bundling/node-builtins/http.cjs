// Stands in for `node:http` in the Lambda bundles (esbuild `--alias`, set by PipelineFunction from
// NODE_BUILTIN_SHIMS): the same module, taken as CommonJS so that the bundle's ES imports of it do
// not make Node build its ESM facade (infra/constructs/pipeline-function.ts).
module.exports = process.getBuiltinModule('node:http');
