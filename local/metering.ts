import { callObservers } from '../shared/clients';

/**
 * Counts what the local stack does on behalf of each message, as AWS would bill it: requests
 * per service, Lambda invocations and their durations, DynamoDB capacity units, Step Functions
 * executions. Used by `npm run bench` (bench/cost.ts) to price a real run; off otherwise.
 */
export class LocalMeter {
  readonly requests = new Map<string, number>();
  readonly invocations = new Map<string, { count: number; ms: number }>();
  writeUnits = 0;
  readUnits = 0;
  flowExecutions = 0;
  flowMs = 0;

  /** Installs the SDK call observer; call before the stack creates its clients. */
  install(): this {
    callObservers.push((service, operation, input, output) => {
      this.count(`${service}.${operation}`);
      if (service !== 'DynamoDB') return;
      const consumed = output.ConsumedCapacity as { WriteCapacityUnits?: number; ReadCapacityUnits?: number; CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
      const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
      if (entries.length > 0) {
        for (const entry of entries as { WriteCapacityUnits?: number; ReadCapacityUnits?: number; CapacityUnits?: number }[]) {
          if (entry.WriteCapacityUnits !== undefined || /Put|Update|Delete|BatchWrite/.test(operation)) this.writeUnits += entry.WriteCapacityUnits ?? entry.CapacityUnits ?? 0;
          else this.readUnits += entry.ReadCapacityUnits ?? entry.CapacityUnits ?? 0;
        }
      } else if (/Put|Update|Delete/.test(operation)) {
        this.writeUnits += 1; // on-demand: 1 WRU per write of up to 1 KB
      } else if (/Get|Query|Scan/.test(operation)) {
        this.readUnits += input.ConsistentRead ? 1 : 0.5;
      }
    });
    return this;
  }

  count(name: string, n = 1): void {
    this.requests.set(name, (this.requests.get(name) ?? 0) + n);
  }

  invocation(functionName: string, ms: number): void {
    const current = this.invocations.get(functionName) ?? { count: 0, ms: 0 };
    this.invocations.set(functionName, { count: current.count + 1, ms: current.ms + ms });
  }

  flow(ms: number): void {
    this.flowExecutions += 1;
    this.flowMs += ms;
  }

  /** Wraps a handler so each call is counted as one invocation with its duration. */
  timed<E, C, R>(functionName: string, handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
    return async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        this.invocation(functionName, performance.now() - started);
      }
    };
  }
}
