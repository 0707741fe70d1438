import { NestedStack, type NestedStackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ManagerConsole, type ManagerConsoleProps } from '../constructs/manager-console';

export interface ConsoleStackProps extends NestedStackProps, ManagerConsoleProps {}

/**
 * The manager console (ManagerConsole: user pool, console API, page bucket, distribution), as a
 * nested stack of the PipelineStack (`Vigia-<stage>-Pipeline/Console`): deployed and destroyed with
 * the pipeline by the same `cdk deploy`, in a template of its own. Nested rather than a fourth
 * top-level stack so that the alert functions get the console's URL (CONSOLE_URL) from it without
 * the PipelineStack depending on another stack, and rather than in the PipelineStack's own
 * template so that the pipeline's resources, grants and 500-resource budget stay as they were.
 * Its outputs are the PipelineStack's (ConsoleUrl, UserPoolId, UserPoolClientId, CognitoDomain).
 */
export class ConsoleStack extends NestedStack {
  public readonly managerConsole: ManagerConsole;

  public constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, { description: `Vigia (${props.stage}): manager console (user pool, API, page, distribution)`, ...props });
    this.managerConsole = new ManagerConsole(this, 'ManagerConsole', props);
  }
}
