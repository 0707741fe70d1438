import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CliError } from './errors';

/**
 * Invokes a deployed stage's function and waits for its answer (`--stage` commands that run what a
 * schedule runs): its JSON answer, or undefined when it is not JSON. A function error, or AWS
 * refusing the call, is one CliError line naming the function (`what`: "the export function").
 */
export async function invokeStageFunction(functionName: string, payload: unknown, what: string): Promise<{ answer: unknown; text: string }> {
  const lambda = new LambdaClient({});
  try {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) {
      const failure = safeJson(text) as { errorType?: string; errorMessage?: string } | undefined;
      throw new CliError(`${what} ${functionName} failed: ${failure?.errorType ?? response.FunctionError}: ${failure?.errorMessage ?? text}`);
    }
    return { answer: safeJson(text), text };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot invoke ${what} ${functionName} with your AWS credentials: ${(error as Error).message}`);
  } finally {
    lambda.destroy();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
