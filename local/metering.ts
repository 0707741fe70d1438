import { callObservers } from '../shared/platform/clients';
import { ARCHIVE_TABLE, includedAttributes } from '../shared/resources/definitions';

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const hasAttribute = (item: unknown, name: string) => typeof item === 'object' && item !== null && name in item;
/** Does this UpdateItem name the attribute in its update expression (directly or through #names)? */
function writesAttribute(input: Record<string, unknown>, name: string): boolean {
  const expression = String(input.UpdateExpression ?? '');
  const aliases = Object.entries((input.ExpressionAttributeNames ?? {}) as Record<string, string>).filter(([, value]) => value === name).map(([alias]) => alias);
  return [name, ...aliases].some((token) => new RegExp(`(^|[^\\w#])${token.replace(/[#]/g, '\\#')}\\b`).test(expression));
}

/**
 * Counts what the local stack does on behalf of each message, as AWS would bill it: requests
 * per service, Lambda invocations and their durations, DynamoDB capacity units, Step Functions
 * executions. Used by `npm run bench` (bench/cost.ts) to price a real run; off otherwise.
 */
export class LocalMeter {
  readonly requests = new Map<string, number>();
  /** Per function: invocations, and their durations each rounded up to 1 ms as Lambda bills. */
  readonly invocations = new Map<string, { count: number; ms: number }>();
  writeUnits = 0;
  readUnits = 0;
  flowExecutions = 0;
  /** Express executions' durations each rounded up to Step Functions' 100 ms billing increment. */
  flowBilledMs = 0;

  /** Installs the SDK call observer; call before the stack creates its clients. */
  install(): this {
    callObservers.push({
      before: (service, operation, input) => {
        if (service !== 'DynamoDB') return;
        // Only changes what DynamoDB reports back; Vigia's code sets neither option.
        input.ReturnConsumedCapacity ??= 'TOTAL';
        if (operation === 'UpdateItem') input.ReturnValues ??= 'ALL_NEW';
        if (operation === 'PutItem' || operation === 'DeleteItem') input.ReturnValues ??= 'ALL_OLD';
      },
      after: (service, operation, input, output, error) => {
        this.count(`${service}.${operation}`);
        if (service === 'DynamoDB') this.capacity(operation, input, output, error);
      },
    });
    return this;
  }

  /**
   * On-demand capacity as AWS bills it. dynalite reports the table's units from the item size but
   * not the index writes, so each write also counts, for every global secondary index (all
   * projected) the item belongs to before or after the write, the same units again (one unit for
   * an index of keys, or keys and a few attributes, when the write changes what it holds). A write whose
   * condition fails still costs one unit.
   */
  private capacity(operation: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined, error?: Error): void {
    const isWrite = WRITE_OPERATIONS.has(operation);
    if (!output) {
      if (isWrite && error?.name === 'ConditionalCheckFailedException') this.writeUnits += 1;
      return;
    }
    const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
    const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    if (!isWrite) {
      this.readUnits += units;
      return;
    }
    const after = operation === 'PutItem' ? input.Item : output.Attributes;
    const before = operation === 'PutItem' || operation === 'DeleteItem' ? output.Attributes : undefined;
    let indexUnits = 0;
    for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
      const key = index.partitionKey.name;
      const inIndex = [after, before].some((item) => hasAttribute(item, key));
      if (!inIndex) continue;
      if (index.projection === 'ALL') indexUnits += Math.max(units, 1);
      // Keys only (or keys and a few small attributes): written when the item enters, leaves or
      // moves in the index (its key attributes are written), or one of its projected attributes changes.
      else if (operation !== 'UpdateItem' || [index.partitionKey.name, index.sortKey.name, ...includedAttributes(index)].some((name) => writesAttribute(input, name))) indexUnits += 1;
    }
    this.writeUnits += Math.max(units, 1) + indexUnits;
  }

  count(name: string, n = 1): void {
    this.requests.set(name, (this.requests.get(name) ?? 0) + n);
  }

  invocation(functionName: string, ms: number): void {
    const current = this.invocations.get(functionName) ?? { count: 0, ms: 0 };
    this.invocations.set(functionName, { count: current.count + 1, ms: current.ms + Math.ceil(ms) });
  }

  flow(ms: number): void {
    this.flowExecutions += 1;
    this.flowBilledMs += Math.max(1, Math.ceil(ms / 100)) * 100;
  }

  /** What was counted, as plain JSON (sent from the benchmark's stack process to the runner). */
  snapshot(): MeterSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      invocations: Object.fromEntries(this.invocations),
      writeUnits: this.writeUnits,
      readUnits: this.readUnits,
      flowExecutions: this.flowExecutions,
      flowBilledMs: this.flowBilledMs,
    };
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

export interface MeterSnapshot {
  requests: Record<string, number>;
  invocations: Record<string, { count: number; ms: number }>;
  writeUnits: number;
  readUnits: number;
  flowExecutions: number;
  flowBilledMs: number;
}
