import { resolve } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { listAlerts, listNotifications, transitionAlert } from './commands/alerts';
import { getMedia, listMedia, retryMedia } from './commands/media';
import { policiesCheck } from './commands/policies';
import { loadVigiaConfig, ConfigFileError } from '../shared/config/vigia-config';
import { listMessages } from './commands/messages';
import { listCalls } from './commands/calls';
import { exportCommand } from './commands/export';
import { replay } from './commands/replay';
import { listQueries, runQuery } from './commands/query';
import { writeReport } from './commands/report';
import { openQueryEngine } from './analytics';
import { dayArgument, instantArgument, monthArgument } from './arguments';
import { CliError, UsageError } from './errors';
import { resolveTarget } from './target';
import { auditList, checkContact, checkOutFile, holdAdd, holdList, holdRemove, parseHoldTarget, requester, retentionSweep, subjectErase, subjectExport, targetConfig } from './commands/privacy';
import { linesConfig, listLines, notifyLine } from './commands/lines';

const HELP = `vigia — the WhatsApp compliance archive in your own AWS account

Usage: vigia <command> [options]

Commands:
  messages   List archived messages, newest last
               --line ID        only this corporate line (phone_number_id)
               --contact ID     only this contact (phone number or business-scoped user id)
               --since ISO      only messages at or after this time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)
               --json           one JSON object per line
  calls      List Calling API calls (connect and terminate merged), oldest first
               --line ID        only this corporate line (phone_number_id)
               --contact ID     only this contact (phone number or business-scoped user id)
               --json           one JSON object per line: id, lineId, contactId, direction,
                                status, startedAt, endedAt, durationSeconds (null when unknown)
  replay     Rebuild all records from the raw webhook archive (idempotent)
               --since DAY      only raw webhooks received on or after DAY (YYYY-MM-DD)
  media      List media files and their download state, oldest first
               --state S        pending, stored, failed or expired
               --json           one JSON object per line
  media get MEDIA_ID --out FILE
             Download an archived media file (checked against its sha256)
  media retry [MEDIA_ID...]
             Fetch failed (and pending) media from the Graph API now
  alerts     List compliance alerts, oldest first
               --status S       open, acknowledged or resolved
               --team T         only this team's alerts
               --backfill       alerts of history backfill instead (recorded, never notified)
               --json           one JSON object per line
  alerts ack|resolve ID --by NAME [--note TEXT]
             Acknowledge or resolve an alert (kept in its audit trail)
  notifications [--json]
             Local stack: the e-mails and SMS the alerts produced, and the employee notices (the outbox)
  lines [--json]
             The configured lines, their employees and the usage-policy notice: policy version,
             sent at, acknowledged at
  lines notify LINE
             Send the line's employee the usage-policy notice again, with a new link (older links
             stop working)
  policies check [--text TEXT] [--line ID] [--direction inbound|outbound]
             Validate the config (VIGIA_CONFIG, default ./vigia.config.yaml) and test a text
  export [--since DAY] [--download DIR]
             Export messages, statuses, alerts and media to Parquet in the analytics bucket
             (exports/<table>/dt=DAY/data.parquet; locally in this process, with --stage by the
             deployed export function). Without --since: the days changed since the last export
               --since DAY      every day from DAY (YYYY-MM-DD, UTC) to today
               --download DIR   then mirror the export to DIR/exports/ (for DuckDB, pandas…)
  query NAME [--param k=v ...] [--json|--csv]
             Run a named analytics query (shared/analytics/queries/NAME.sql): locally with
             DuckDB over the Parquet export (mirrored from the local stack), with --stage on Athena
               --list           the queries, their descriptions and parameters
               --param k=v      a query parameter (repeatable), e.g. --param hours=48
               --json           one JSON object per row;  --csv  RFC 4180 with a header
               --exports DIR    query a local copy of the export instead (no stack needed)
  report [--since DAY] [--out FILE]
             Write a self-contained HTML report (charts of the named queries; default report.html)
               --exports DIR    as for query
  subject export --contact ID --out FILE [--by NAME]
             Data subject access (LGPD art. 18): one ZIP with every record about the contact
             (phone number or business-scoped user id), their media files and a sha256 manifest
  subject erase --contact ID --reason TEXT [--by NAME]
             Erase the contact's records, media and raw webhooks (refused under a legal hold or
             the retention basis; the reason goes to the audit log)
  hold add --contact ID|--line ID|both --reason TEXT [--by NAME]
             Place a legal hold on a contact, a line, or a conversation (contact on a line):
             suspends expiry and erasure
  hold remove --contact ID|--line ID|both [--reason TEXT] [--by NAME]
  hold list [--json]
             Release a legal hold; list the holds in force
  audit [--since YYYY-MM] [--json]
             The audit log of subject requests, refusals, holds and sweeps (oldest first)
  retention sweep [--by NAME]
             Delete expired records and objects now (locally; on AWS TTL and lifecycle rules do it)
               --by NAME        who makes the request (default: your OS user)

Global options:
  --stage NAME   use the deployed stack Vigia-NAME-* with your AWS credentials
                 (default: the running local stack; VIGIA_STAGE sets it too)
  -h, --help     show this help

Environment: VIGIA_DATA_DIR (local data dir, default ./.vigia), VIGIA_STAGE, VIGIA_CONFIG.`;

/**
 * The help of one command and its sub-commands: the blocks of HELP whose first word is the
 * command, with the global options; the whole HELP for a command it does not know.
 */
export function commandHelp(command: string): string {
  const [head, commands = '', globals = ''] = HELP.split(/\n(?=Commands:|Global options:)/);
  const blocks: string[][] = [];
  for (const line of commands.split('\n').slice(1)) {
    if (/^ {2}\S/.test(line)) blocks.push([line]);
    else if (blocks.length > 0 && line.trim() !== '') blocks.at(-1)!.push(line);
  }
  const own = blocks.filter((block) => block[0]!.trim().split(/\s+/)[0] === command);
  if (own.length === 0) return HELP;
  return [head!.split('\n')[0], '', 'Usage:', ...own.flatMap((block) => block.map((line) => (line === block[0] ? `  vigia ${line.trim()}` : line))), '', globals.trimEnd()].join('\n');
}

export async function main(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    out(HELP);
    return 0;
  }
  // --help never acts: wherever it stands (after a sub-command, among other options), the
  // command's help is printed and nothing else happens.
  if (rest.includes('--help') || rest.includes('-h')) {
    out(commandHelp(command));
    return 0;
  }
  const common = { stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  switch (command) {
    case 'messages': {
      const { values } = parse(rest, { ...common, line: { type: 'string' }, contact: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      const since = values.since === undefined ? undefined : instantArgument(values.since, '--since');
      const target = await resolveTarget({ stage: values.stage });
      try {
        await listMessages(target, { lineId: values.line, contactId: values.contact, since, json: Boolean(values.json) }, out);
      } finally {
        target.close();
      }
      return 0;
    }
    case 'calls': {
      const { values } = parse(rest, { ...common, line: { type: 'string' }, contact: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      return withTarget(values.stage, async (target) => (await listCalls(target, { lineId: values.line, contactId: values.contact, json: Boolean(values.json) }, out), 0));
    }
    case 'replay': {
      const { values } = parse(rest, { ...common, since: { type: 'string' } });
      if (values.help) return (out(HELP), 0);
      if (values.since !== undefined) dayArgument(values.since, '--since');
      const target = await resolveTarget({ stage: values.stage });
      try {
        const summary = await replay(target, { sinceDay: values.since, retentionDays: replayRetentionDays(target) });
        out(
          `replayed ${summary.webhooks} raw webhooks from ${target.description}: ${summary.created} records created, ${summary.duplicates} already present, ${summary.conflicts} conflicts, ${summary.failed} failed${summary.erased > 0 ? `, ${summary.erased} records of erased contacts skipped` : ''}`,
        );
        return summary.failed > 0 ? 1 : 0;
      } finally {
        target.close();
      }
    }
    case 'media': {
      const [sub, ...args] = rest;
      if (sub === 'get') {
        const { values, positionals } = parse(args, { ...common, out: { type: 'string' } }, true);
        if (positionals.length !== 1 || !values.out) throw new UsageError('usage: vigia media get MEDIA_ID --out FILE');
        return withTarget(values.stage, async (target) => (out(await getMedia(target, positionals[0], values.out!)), 0));
      }
      if (sub === 'retry') {
        const { values, positionals } = parse(args, common, true);
        return withTarget(values.stage, async (target) => {
          const results = await retryMedia(target, positionals, out);
          const stored = results.filter((result) => result.outcome === 'stored' || result.outcome === 'already_stored').length;
          out(`retried ${results.length} media item(s) from ${target.description}: ${stored} stored, ${results.length - stored} not stored`);
          return stored === results.length ? 0 : 1;
        });
      }
      const { values } = parse(rest, { ...common, state: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      return withTarget(values.stage, async (target) => (await listMedia(target, { state: values.state, json: Boolean(values.json) }, out), 0));
    }
    case 'alerts': {
      const [sub, ...args] = rest;
      if (sub === 'ack' || sub === 'resolve') {
        const { values, positionals } = parse(args, { ...common, by: { type: 'string' }, note: { type: 'string' } }, true);
        if (positionals.length !== 1 || !values.by) throw new UsageError(`usage: vigia alerts ${sub} ID --by NAME [--note TEXT]`);
        return withTarget(values.stage, async (target) => (out(await transitionAlert(target, sub, positionals[0], values.by!, values.note)), 0));
      }
      const { values } = parse(rest, { ...common, status: { type: 'string' }, team: { type: 'string' }, backfill: { type: 'boolean' }, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      return withTarget(values.stage, async (target) => (await listAlerts(target, { status: values.status, team: values.team, backfill: Boolean(values.backfill), json: Boolean(values.json) }, out), 0));
    }
    case 'lines': {
      const [sub, ...args] = rest;
      if (sub === 'notify') {
        const { values, positionals } = parse(args, common, true);
        if (positionals.length !== 1) throw new UsageError('usage: vigia lines notify LINE');
        return withTarget(values.stage, async (target) => (out(await notifyLine(target, linesConfig(target), positionals[0])), 0));
      }
      const { values } = parse(rest, { ...common, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      return withTarget(values.stage, async (target) => (await listLines(target, linesConfig(target), { json: Boolean(values.json) }, out), 0));
    }
    case 'notifications': {
      const { values } = parse(rest, { ...common, json: { type: 'boolean' } });
      return withTarget(values.stage, async (target) => (listNotifications(target, { json: Boolean(values.json) }, out), 0));
    }
    case 'export': {
      const { values } = parse(rest, { ...common, since: { type: 'string' }, download: { type: 'string' } });
      if (values.help) return (out(HELP), 0);
      await exportCommand(
        { since: values.since, download: values.download, stage: values.stage ?? (process.env.VIGIA_STAGE || undefined), dataDir: resolve(process.env.VIGIA_DATA_DIR ?? '.vigia') },
        out,
      );
      return 0;
    }
    case 'query': {
      const { values, positionals } = parse(rest, { ...common, list: { type: 'boolean' }, param: { type: 'string', multiple: true }, json: { type: 'boolean' }, csv: { type: 'boolean' }, exports: { type: 'string' } }, true);
      if (values.help) return (out(HELP), 0);
      if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
      if (values.list) return (listQueries({ json: Boolean(values.json) }, out), 0);
      if (positionals.length > 1) throw new UsageError(`one query at a time, got ${positionals.join(', ')}`);
      const format = values.json ? 'json' : values.csv ? 'csv' : 'table';
      await runQuery({ name: positionals[0], params: values.param ?? [], format }, () => openQueryEngine({ stage: values.stage, exportsDir: values.exports }), out);
      return 0;
    }
    case 'report': {
      const { values } = parse(rest, { ...common, since: { type: 'string' }, out: { type: 'string' }, exports: { type: 'string' } });
      if (values.help) return (out(HELP), 0);
      out(await writeReport({ since: values.since, out: values.out ?? 'report.html' }, () => openQueryEngine({ stage: values.stage, exportsDir: values.exports })));
      return 0;
    }
    case 'policies': {
      const [sub, ...args] = rest;
      if (sub !== 'check') throw new UsageError('usage: vigia policies check [--text TEXT] [--line ID] [--direction inbound|outbound]');
      const { values } = parse(args, { ...common, text: { type: 'string' }, line: { type: 'string' }, direction: { type: 'string' } });
      if (values.direction !== undefined && values.direction !== 'inbound' && values.direction !== 'outbound') throw new UsageError(`--direction must be inbound or outbound, got "${values.direction}"`);
      let config;
      try {
        config = loadVigiaConfig();
      } catch (error) {
        if (error instanceof ConfigFileError) throw new CliError(error.message);
        throw error;
      }
      for (const line of policiesCheck(config, { text: values.text, line: values.line, direction: values.direction as 'inbound' | 'outbound' | undefined })) out(line);
      return 0;
    }
    case 'subject': {
      const [sub, ...args] = rest;
      if (sub === 'export') {
        const { values } = parse(args, { ...common, contact: { type: 'string' }, out: { type: 'string' }, by: { type: 'string' } });
        const contact = checkContact(values.contact, 'usage: vigia subject export --contact ID --out FILE [--by NAME]');
        const file = checkOutFile(values.out);
        const by = requester(values.by);
        return withTarget(values.stage, async (target) => (await subjectExport(target, { contact, out: file, by }, out), 0));
      }
      if (sub === 'erase') {
        const { values } = parse(args, { ...common, contact: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } });
        const contact = checkContact(values.contact, 'usage: vigia subject erase --contact ID --reason TEXT [--by NAME]');
        if (values.reason === undefined || values.reason.trim() === '') throw new UsageError('vigia subject erase needs --reason TEXT (the request and its legal ground, kept in the audit log)');
        const by = requester(values.by);
        return withTarget(values.stage, async (target) => (await subjectErase(target, { contact, reason: values.reason!.trim(), by }, out), 0));
      }
      throw new UsageError('usage: vigia subject export|erase --contact ID …');
    }
    case 'hold': {
      const [sub, ...args] = rest;
      if (sub === 'list') {
        const { values } = parse(args, { ...common, json: { type: 'boolean' } });
        return withTarget(values.stage, async (target) => (await holdList(target, { json: Boolean(values.json) }, out), 0));
      }
      if (sub === 'add' || sub === 'remove') {
        const { values } = parse(args, { ...common, contact: { type: 'string' }, line: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } });
        const hold = parseHoldTarget(values);
        if (sub === 'add' && (values.reason === undefined || values.reason.trim() === '')) throw new UsageError('vigia hold add needs --reason TEXT (e.g. the case or order number)');
        const by = requester(values.by);
        return withTarget(values.stage, async (target) =>
          sub === 'add' ? (await holdAdd(target, hold, { reason: values.reason!.trim(), by }, out), 0) : (await holdRemove(target, hold, { reason: values.reason?.trim(), by }, out), 0),
        );
      }
      throw new UsageError('usage: vigia hold add|remove|list …');
    }
    case 'audit': {
      const { values } = parse(rest, { ...common, since: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return (out(HELP), 0);
      if (values.since !== undefined) monthArgument(values.since, '--since');
      return withTarget(values.stage, async (target) => (await auditList(target, { json: Boolean(values.json), since: values.since }, out), 0));
    }
    case 'retention': {
      const [sub, ...args] = rest;
      if (sub !== 'sweep') throw new UsageError('usage: vigia retention sweep [--by NAME]');
      const { values } = parse(args, { ...common, by: { type: 'string' } });
      const by = requester(values.by);
      return withTarget(values.stage, async (target) => (await retentionSweep(target, { by }, out), 0));
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** `retention.days` for a replay; without a readable config the records are replayed without expiry (said on stderr). */
function replayRetentionDays(target: Awaited<ReturnType<typeof resolveTarget>>): number | undefined {
  try {
    return targetConfig(target).retention?.days;
  } catch (error) {
    process.stderr.write(`vigia: ${(error as Error).message}; replaying without retention (records get no expiresAt)\n`);
    return undefined;
  }
}

async function withTarget(stage: string | undefined, work: (target: Awaited<ReturnType<typeof resolveTarget>>) => Promise<number>): Promise<number> {
  const target = await resolveTarget({ stage });
  try {
    return await work(target);
  } finally {
    target.close();
  }
}

function parse<const T extends ParseArgsOptionsConfig>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

// Run when executed as the CLI (bin/vigia.mjs imports this module).
if (process.argv[1] && /vigia(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      const cliError = error instanceof CliError ? error : new CliError((error as Error).message ?? String(error));
      process.stderr.write(`vigia: ${cliError.message}\n`);
      process.exit(cliError.exitCode);
    });
}
