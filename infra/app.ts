import { App } from 'aws-cdk-lib';
import { buildApp } from './vigia-app';

const app = new App();
buildApp(app, {
  // `cdk deploy -c stage=prod`; validated by buildApp.
  stage: app.node.tryGetContext('stage') ?? 'dev',
  // Unset when the CLI cannot resolve credentials (offline synth): the stacks stay environment-agnostic.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});
app.synth();
