import { App } from 'aws-cdk-lib';
import { loadVigiaConfig } from '../shared/config/vigia-config';
import { applyNag } from './nag';
import { buildApp } from './vigia-app';

const app = new App();
// `cdk deploy -c config=path/to/file.yaml`; by default the loader's own default file
// (vigia.config.yaml at the repository root). Invalid config fails the synth here.
const configFile: unknown = app.node.tryGetContext('config');
buildApp(app, {
  // `cdk deploy -c stage=prod`; validated by buildApp.
  stage: app.node.tryGetContext('stage') ?? 'dev',
  config: loadVigiaConfig(typeof configFile === 'string' ? configFile : undefined),
  // Unset when the CLI cannot resolve credentials (offline synth): the stacks stay environment-agnostic.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});
// cdk-nag's AwsSolutions and Serverless packs: an unacknowledged error finding fails the synth.
applyNag(app);
app.synth();
