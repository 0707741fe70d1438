/**
 * Observers of every SDK call made by clients created in shared/platform (the local stack's
 * metering for `npm run bench`). Empty in Lambda: then no middleware is added. `before` may add
 * request options that only change what the response reports (e.g. ReturnConsumedCapacity).
 */
export interface CallObserver {
  before?(service: string, operation: string, input: Record<string, unknown>): void;
  after(service: string, operation: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined, error?: Error): void;
}
export const callObservers: CallObserver[] = [];

/** Adds the observers' middleware to a client, when there are observers. */
export function observe<C extends { middlewareStack: { add: (...args: any[]) => void } }>(client: C, service: string): C {
  if (callObservers.length === 0) return client;
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      for (const observer of callObservers) observer.before?.(service, operation, args.input);
      try {
        const result = await next(args);
        for (const observer of callObservers) observer.after(service, operation, args.input, result.output ?? {});
        return result;
      } catch (error) {
        for (const observer of callObservers) observer.after(service, operation, args.input, undefined, error as Error);
        throw error;
      }
    },
    { step: 'initialize', name: 'vigiaCallObserver' },
  );
  return client;
}
