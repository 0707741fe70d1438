import { resolve } from 'node:path';
import { Command, type CommanderError, Help, Option } from 'commander';
import { MEDIA_STATES } from '../shared/media/media';
import { choiceArgument, countArgument, dayArgument, instantArgument, monthArgument, outputFileArgument } from './arguments';
import { type CliError, UsageError } from './errors';
import type { Target } from './target';

/**
 * Every `vigia` command: its options, arguments and help, and an action that loads its body from
 * cli/commands/ only when it runs — so `--help` and bad usage answer without loading the AWS SDK
 * or DuckDB. A new command is one more block here and a body in cli/commands/ (docs/cli.md's
 * reference is regenerated from this file by `npm run docs:cli`).
 */

type Out = (line: string) => void;

export interface Program {
  root: Command;
  /** The exit code the action that ran asked for (0 unless it said otherwise). */
  exitCode(): number;
}

const STAGE_HELP = 'use the deployed stack Vigia-NAME-* with your AWS credentials (default: the running local stack; VIGIA_STAGE sets it too)';
const ENVIRONMENT_HELP = [
  'Environment:',
  '  VIGIA_DATA_DIR  the local stack’s data dir (default ./.vigia)',
  '  VIGIA_STAGE     as --stage',
  '  VIGIA_CONFIG    the config file (default ./vigia.config.yaml)',
].join('\n');

export function createProgram(out: Out): Program {
  let exitCode = 0;
  // Groups (vigia hold) only hold commands; the usage of the others is generated from their options
  // unless it says more than they do (--contact ID|--line ID|both).
  const groups = new WeakSet<Command>();
  const ownUsage = new WeakSet<Command>();
  const withUsage = (command: Command, text: string) => (ownUsage.add(command), command.usage(text));
  const root = new Command('vigia')
    .description('The WhatsApp compliance archive in your own AWS account. Every command answers --help with its own help and does nothing else.')
    .usage('<command> [options]')
    .helpOption('-h, --help', 'show this help')
    .configureHelp(helpLayout(groups))
    .configureOutput({ writeOut: (text) => printLines(text, out), writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${ENVIRONMENT_HELP}`);
  const group = (name: string, description: string) => {
    const command = root.command(name).description(description);
    groups.add(command);
    return command;
  };
  const json = (what = 'one JSON object per line') => new Option('--json', what);

  root
    .command('messages')
    .description('List archived messages, newest last.')
    .option('--line <ID>', 'only this corporate line (phone_number_id)')
    .option('--contact <ID>', 'only this contact (phone number or business-scoped user id)')
    .addOption(checked('--since <ISO>', 'only messages at or after this time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)', instantArgument))
    .addOption(checked('--limit <N>', 'only the newest N (still listed oldest first)', countArgument))
    .addOption(json())
    .action(async (options: { line?: string; contact?: string; since?: string; limit?: number; json?: boolean }, command: Command) => {
      const { listMessages } = await import('./commands/messages');
      await withTarget(command, (target) => listMessages(target, { lineId: options.line, contactId: options.contact, since: options.since, limit: options.limit, json: Boolean(options.json) }, out));
    });

  root
    .command('calls')
    .description('List Calling API calls (connect, status and terminate events merged), oldest first.')
    .summary('List Calling API calls, oldest first.')
    .option('--line <ID>', 'only this corporate line (phone_number_id)')
    .option('--contact <ID>', 'only this contact (phone number or business-scoped user id)')
    .addOption(json('one JSON object per line: id, lineId, contactId, direction, status, startedAt, endedAt, durationSeconds (null when unknown)'))
    .action(async (options: { line?: string; contact?: string; json?: boolean }, command: Command) => {
      const { listCalls } = await import('./commands/calls');
      await withTarget(command, (target) => listCalls(target, { lineId: options.line, contactId: options.contact, json: Boolean(options.json) }, out));
    });

  root
    .command('replay')
    .description('Rebuild all records from the raw webhook archive (idempotent); exit 1 if any webhook failed.')
    .summary('Rebuild all records from the raw webhook archive.')
    .addOption(checked('--since <DAY>', 'only raw webhooks received on or after DAY (YYYY-MM-DD)', dayArgument))
    .action(async (options: { since?: string }, command: Command) => {
      const [{ replay }, { targetConfig }] = await Promise.all([import('./commands/replay'), import('./config')]);
      await withTarget(command, async (target) => {
        const summary = await replay(target, { sinceDay: options.since, retentionDays: replayRetentionDays(() => targetConfig(target).retention?.days) });
        out(
          `replayed ${summary.webhooks} raw webhooks from ${target.description}: ${summary.created} records created, ${summary.duplicates} already present, ${summary.conflicts} conflicts, ${summary.failed} failed${summary.erased > 0 ? `, ${summary.erased} records of erased contacts skipped` : ''}`,
        );
        if (summary.failed > 0) exitCode = 1;
      });
    });

  const media = root
    .command('media')
    .description('List media files and their download state, oldest first.')
    .summary('List media files and their download state.')
    .addOption(checked('--state <S>', `only this state: ${MEDIA_STATES.join(', ')}`, (value, flag) => choiceArgument(value, MEDIA_STATES, flag)))
    .addOption(json())
    .action(async (options: { state?: (typeof MEDIA_STATES)[number]; json?: boolean }, command: Command) => {
      const { listMedia } = await import('./commands/media');
      await withTarget(command, (target) => listMedia(target, { state: options.state, json: Boolean(options.json) }, out));
    });
  media
    .command('get')
    .description('Download an archived media file, checked against its sha256.')
    .summary('Download an archived media file, checked by sha256.')
    .argument('<MEDIA_ID>')
    .requiredOption('--out <FILE>', 'where to write it')
    .action(async (mediaId: string, options: { out: string }, command: Command) => {
      const { getMedia } = await import('./commands/media');
      await withTarget(command, async (target) => out(await getMedia(target, mediaId, options.out)));
    });
  media
    .command('retry')
    .description('Fetch the given media (default: every failed and pending one) from the Graph API now, with the line’s access token; exit 1 if any is still not stored.')
    .summary('Fetch failed and pending media from the Graph API now.')
    .argument('[MEDIA_ID...]')
    .action(async (mediaIds: string[], _options: unknown, command: Command) => {
      const { retryMedia } = await import('./commands/media');
      await withTarget(command, async (target) => {
        const results = await retryMedia(target, mediaIds, out);
        const stored = results.filter((result) => result.outcome === 'stored' || result.outcome === 'already_stored').length;
        out(`retried ${results.length} media item(s) from ${target.description}: ${stored} stored, ${results.length - stored} not stored`);
        if (stored !== results.length) exitCode = 1;
      });
    });

  const alerts = root
    .command('alerts')
    .description('List compliance alerts, oldest first.')
    .option('--status <S>', 'only this status: open, acknowledged or resolved')
    .option('--team <T>', 'only this team’s alerts')
    .option('--backfill', 'the alerts of history backfill instead (recorded, never notified)')
    .addOption(json())
    .action(async (options: { status?: string; team?: string; backfill?: boolean; json?: boolean }, command: Command) => {
      const { listAlerts } = await import('./commands/alerts');
      await withTarget(command, (target) => listAlerts(target, { status: options.status, team: options.team, backfill: Boolean(options.backfill), json: Boolean(options.json) }, out));
    });
  for (const [action, verb] of [
    ['ack', 'Acknowledge'],
    ['resolve', 'Resolve'],
  ] as const) {
    alerts
      .command(action)
      .description(`${verb} an alert (kept in its audit trail).`)
      .argument('<ID>')
      .requiredOption('--by <NAME>', 'who does it')
      .option('--note <TEXT>', 'a note for the audit trail')
      .action(async (id: string, options: { by: string; note?: string }, command: Command) => {
        if (!options.by) throw usage(command);
        const { transitionAlert } = await import('./commands/alerts');
        await withTarget(command, async (target) => out(await transitionAlert(target, action, id, options.by, options.note)));
      });
  }

  root
    .command('notifications')
    .description('Local stack: the e-mails and SMS the alerts produced, and the employee notices (the outbox).')
    .summary('The e-mails and SMS sent (the local stack’s outbox).')
    .addOption(json())
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listNotifications } = await import('./commands/alerts');
      await withTarget(command, async (target) => listNotifications(target, { json: Boolean(options.json) }, out));
    });

  const lines = root
    .command('lines')
    .description('The configured lines, their employees and the usage-policy notice: policy version, sent at, acknowledged at.')
    .summary('The lines, their employees and the usage-policy notice.')
    .addOption(json())
    .action(async (options: { json?: boolean }, command: Command) => {
      const [{ listLines }, { targetConfig }] = await Promise.all([import('./commands/lines'), import('./config')]);
      await withTarget(command, (target) => listLines(target, targetConfig(target), { json: Boolean(options.json) }, out));
    });
  lines
    .command('notify')
    .description('Send the line’s employee the usage-policy notice again, with a new link (older links stop working).')
    .summary('Send the usage-policy notice again, with a new link.')
    .argument('<LINE>')
    .action(async (lineId: string, _options: unknown, command: Command) => {
      const [{ notifyLine }, { targetConfig }] = await Promise.all([import('./commands/lines'), import('./config')]);
      await withTarget(command, async (target) => out(await notifyLine(target, targetConfig(target), lineId)));
    });

  group('policies', 'Check the compliance policies of the config.')
    .command('check')
    .description(
      'Validate the config (VIGIA_CONFIG, default ./vigia.config.yaml) and show what the keyword, regex and pii policies find in a sample text, or inside a sample file (CSV, XLSX, DOCX, ODS, ODT, text PDF) as the compliance flow reads it. Personal data is shown masked.',
    )
    .summary('Validate the config and test a text or a file against it.')
    .option('--text <TEXT>', 'the text to check')
    .option('--file <PATH>', 'a file whose text to check (the policies that look inside files)')
    .option('--line <ID>', 'the line the text is on (selects the team)')
    .addOption(checked('--direction <D>', 'inbound or outbound (default outbound)', (value, flag) => choiceArgument(value, ['inbound', 'outbound'] as const, flag)))
    .action(async (options: { text?: string; file?: string; line?: string; direction?: 'inbound' | 'outbound' }) => {
      const [{ policiesCheck }, { cliConfig }] = await Promise.all([import('./commands/policies'), import('./config')]);
      const config = cliConfig();
      for (const line of await policiesCheck(config, { text: options.text, sampleFile: options.file, line: options.line, direction: options.direction })) out(line);
    });

  root
    .command('export')
    .description(
      'Export messages, statuses, alerts and media to Parquet in the analytics bucket (exports/<table>/dt=DAY/data.parquet): locally in this process, with --stage by the deployed export function. Without --since: from analytics.lookbackDays (default 2) before the day of the last export, to today.',
    )
    .summary('Export the archive to Parquet for analytics.')
    .addOption(checked('--since <DAY>', 'every day from DAY (YYYY-MM-DD, UTC) to today', dayArgument))
    .option('--download <DIR>', 'then mirror the export to DIR/exports/ (for DuckDB, pandas…)')
    .action(async (options: { since?: string; download?: string }, command: Command) => {
      const { exportCommand } = await import('./commands/export');
      await exportCommand({ since: options.since, download: options.download, stage: stageOf(command) ?? (process.env.VIGIA_STAGE || undefined), dataDir: dataDir() }, out);
    });

  root
    .command('query')
    .description('Run a named analytics query (shared/analytics/queries/NAME.sql): locally with DuckDB over the Parquet export (mirrored from the local stack), with --stage on Athena.')
    .summary('Run a named analytics query (DuckDB or Athena).')
    .argument('[NAME]')
    .allowExcessArguments()
    .option('--list', 'the queries, their descriptions and parameters')
    .option('--param <k=v>', 'a query parameter (repeatable), e.g. --param hours=48', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .addOption(json('one JSON object per row'))
    .option('--csv', 'RFC 4180 CSV with a header')
    .option('--exports <DIR>', 'query a local copy of the export instead (no stack needed): the export itself or the folder vigia export --download made')
    .action(async (name: string | undefined, options: { list?: boolean; param?: string[]; json?: boolean; csv?: boolean; exports?: string }, command: Command) => {
      if (options.json && options.csv) throw new UsageError('choose one of --json and --csv');
      const [{ listQueries, runQuery }, { openQueryEngine }] = await Promise.all([import('./commands/query'), import('./analytics')]);
      if (options.list) return listQueries({ json: Boolean(options.json) }, out);
      if (command.args.length > 1) throw new UsageError(`one query at a time, got ${command.args.join(', ')}`);
      const format = options.json ? 'json' : options.csv ? 'csv' : 'table';
      await runQuery({ name, params: options.param ?? [], format }, () => openQueryEngine({ stage: stageOf(command), exportsDir: options.exports }), out);
    });

  root
    .command('report')
    .description('Write a self-contained HTML report: charts of the named queries, the conversations waiting for a reply, the media by real type.')
    .summary('Write a self-contained HTML report with charts.')
    .addOption(checked('--since <DAY>', 'from this day on (YYYY-MM-DD)', dayArgument))
    .addOption(checked('--out <FILE>', 'where to write it (default: $VIGIA_DATA_DIR/reports/report-<today>.html)', outputFileArgument))
    .option('--exports <DIR>', 'as for vigia query')
    .action(async (options: { since?: string; out?: string; exports?: string }, command: Command) => {
      const [{ defaultReportFile, writeReport }, { openQueryEngine }] = await Promise.all([import('./commands/report'), import('./analytics')]);
      const file = options.out ?? defaultReportFile(dataDir());
      out(await writeReport({ since: options.since, out: file }, () => openQueryEngine({ stage: stageOf(command), exportsDir: options.exports })));
    });

  const subject = group('subject', 'Data subject requests (LGPD art. 18, GDPR): export or erase everything about a contact.');
  subject
    .command('export')
    .description('Data subject access: one ZIP with every record about the contact (phone number or business-scoped user id), their media files and a sha256 manifest.')
    .summary('One ZIP with everything about a contact.')
    .requiredOption('--contact <ID>', 'the contact')
    .requiredOption('--out <FILE>', 'the ZIP to write')
    .option('--by <NAME>', 'who makes the request (default: your OS user)')
    .action(async (options: { contact?: string; out?: string; by?: string }, command: Command) => {
      const { checkContact, checkOutFile, requester, subjectExport } = await import('./commands/privacy');
      const contact = checkContact(options.contact, usageLine(command));
      const file = checkOutFile(options.out);
      const by = requester(options.by);
      await withTarget(command, (target) => subjectExport(target, { contact, out: file, by }, out));
    });
  const erase = subject
    .command('erase')
    .description('Erase the contact’s records, media and raw webhooks; refused under a legal hold or the retention basis (the reason goes to the audit log).')
    .summary('Erase a contact unless a hold or retention forbids.')
    .requiredOption('--contact <ID>', 'the contact')
    .option('--reason <TEXT>', 'the request and its legal ground (required; kept in the audit log)')
    .option('--by <NAME>', 'who makes the request (default: your OS user)')
    .action(async (options: { contact?: string; reason?: string; by?: string }, command: Command) => {
      const { checkContact, requester, subjectErase } = await import('./commands/privacy');
      const contact = checkContact(options.contact, usageLine(command));
      if (options.reason === undefined || options.reason.trim() === '') throw new UsageError('vigia subject erase needs --reason TEXT (the request and its legal ground, kept in the audit log)');
      const reason = options.reason.trim();
      const by = requester(options.by);
      await withTarget(command, (target) => subjectErase(target, { contact, reason, by }, out));
    });
  withUsage(erase, '--contact ID --reason TEXT [--by NAME]');

  const hold = group('hold', 'Legal holds on a contact, a line or a conversation (contact on a line): expiry and erasure are suspended while they last.');
  for (const [action, description] of [
    ['add', 'Place a legal hold on a contact, line or conversation.'],
    ['remove', 'Release a legal hold.'],
  ] as const) {
    const sub = hold
      .command(action)
      .description(description)
      .option('--contact <ID>', 'the contact (phone number or business-scoped user id)')
      .option('--line <ID>', 'the line (phone_number_id)')
      .option('--reason <TEXT>', action === 'add' ? 'why, e.g. the case or order number (required)' : 'why it is released')
      .option('--by <NAME>', 'who makes the request (default: your OS user)')
      .action(async (options: { contact?: string; line?: string; reason?: string; by?: string }, command: Command) => {
        const { holdAdd, holdRemove, parseHoldTarget, requester } = await import('./commands/privacy');
        const held = parseHoldTarget(options);
        if (action === 'add' && (options.reason === undefined || options.reason.trim() === '')) throw new UsageError('vigia hold add needs --reason TEXT (e.g. the case or order number)');
        const by = requester(options.by);
        await withTarget(command, (target) =>
          action === 'add' ? holdAdd(target, held, { reason: options.reason!.trim(), by }, out) : holdRemove(target, held, { reason: options.reason?.trim(), by }, out),
        );
      });
    withUsage(sub, `--contact ID|--line ID|both ${action === 'add' ? '--reason TEXT' : '[--reason TEXT]'} [--by NAME]`);
  }
  hold
    .command('list')
    .description('The legal holds in force, oldest first.')
    .addOption(json())
    .action(async (options: { json?: boolean }, command: Command) => {
      const { holdList } = await import('./commands/privacy');
      await withTarget(command, (target) => holdList(target, { json: Boolean(options.json) }, out));
    });

  root
    .command('audit')
    .description('The audit log of subject requests, refusals, holds and sweeps, oldest first.')
    .summary('The audit log of subject requests, holds and sweeps.')
    .addOption(checked('--since <YYYY-MM>', 'from this month on', monthArgument))
    .addOption(json())
    .action(async (options: { since?: string; json?: boolean }, command: Command) => {
      const { auditList } = await import('./commands/privacy');
      await withTarget(command, (target) => auditList(target, { json: Boolean(options.json), since: options.since }, out));
    });

  const evidence = group('evidence', 'Tamper evidence: signed, chained digests of the archive, verified offline (docs/evidence.md).');
  evidence
    .command('seal')
    .description('Seal a digest now (what the hourly schedule does): every object and audit entry stored since the last digest, signed and chained. Locally in this process; with --stage by the stage\'s seal function.')
    .summary('Seal a digest of the archive now.')
    .action(async (_options: unknown, command: Command) => {
      const { evidenceSeal } = await import('./commands/evidence');
      await withTarget(command, (target) => evidenceSeal(target, out));
    });
  evidence
    .command('public-key')
    .description('Write the public key that verifies the digests (PEM; from KMS GetPublicKey on a stage), for an auditor with no AWS access.')
    .summary('Export the digests\' public key (PEM).')
    .addOption(checked('--out <FILE>', 'where to write it', outputFileArgument).makeOptionMandatory())
    .action(async (options: { out: string }, command: Command) => {
      const { evidencePublicKey } = await import('./commands/evidence');
      await withTarget(command, (target) => evidencePublicKey(target, options.out, out));
    });
  evidence
    .command('verify')
    .description(
      'Recompute every sealed object and audit entry, each digest\'s root and signature, and the chain; name what is wrong (changed, missing, added after sealing, a broken or re-signed chain) and exit 1. Erased and expired objects and objects not yet sealed are reported, not failed. Against the local stack, --stage, or a downloaded copy of the archive bucket (--dir, with --public-key; no AWS access).',
    )
    .summary('Verify the archive against its digests.')
    .addOption(checked('--since <DAY>', 'only the digests from this day (YYYY-MM-DD, UTC); the chain is always checked whole', dayArgument))
    .addOption(checked('--until <DAY>', 'only the digests up to this day', (value) => dayArgument(value, '--until')))
    .option('--dir <DIR>', 'a downloaded copy of the archive bucket (aws s3 sync s3://BUCKET DIR)')
    .option('--public-key <FILE>', 'the PEM from `vigia evidence public-key` (default: the local key, or the stage\'s KMS key)')
    .addOption(json('the report as one JSON object'))
    .action(async (options: { since?: string; until?: string; dir?: string; publicKey?: string; json?: boolean }, command: Command) => {
      const [{ evidenceVerify, validateVerifyOptions }, { cliConfig, targetConfig }] = await Promise.all([import('./commands/evidence'), import('./config')]);
      validateVerifyOptions(options);
      if (options.dir !== undefined) {
        await evidenceVerify(undefined, process.env.VIGIA_CONFIG ? cliConfig() : undefined, options, out);
        return;
      }
      await withTarget(command, (target) => evidenceVerify(target, targetConfig(target), options, out));
    });
  evidence
    .command('prove')
    .description('Write one message\'s proof: the raw webhook that carried it, its Merkle path, the signed digest and the public key — checked alone by `vigia evidence check`.')
    .summary('Write the proof of one message.')
    .argument('<MESSAGE_ID>')
    .addOption(checked('--out <FILE>', 'where to write it (JSON)', outputFileArgument).makeOptionMandatory())
    .action(async (messageId: string, options: { out: string }, command: Command) => {
      const { evidenceProve } = await import('./commands/evidence');
      await withTarget(command, (target) => evidenceProve(target, messageId, options.out, out));
    });
  evidence
    .command('check')
    .description('Check a proof from `vigia evidence prove` alone, offline: the raw webhook against its leaf, the path against the digest\'s root, the digest\'s signature against the public key in it.')
    .summary('Check one message\'s proof, offline.')
    .argument('<PROOF_FILE>')
    .action(async (file: string) => {
      const { evidenceCheck } = await import('./commands/evidence');
      evidenceCheck(file, out);
    });

  const migrate = group('migrate', 'One-off data migrations of the archive table (safe to repeat; they resume).');
  const migratePageSize = () => (process.env.VIGIA_MIGRATE_PAGE_SIZE ? countArgument(process.env.VIGIA_MIGRATE_PAGE_SIZE, 'VIGIA_MIGRATE_PAGE_SIZE') : undefined);
  migrate
    .command('subject-index')
    .description(
      'Put the items written before the contact index (bySubject) into it, so subject requests, erasures and holds find them without a Scan (docs/privacy.md): idempotent, and resumable after an interruption from the last page it finished.',
    )
    .summary('Backfill the contact index.')
    .action(async (_options: unknown, command: Command) => {
      const { migrateSubjectIndexCommand } = await import('./commands/migrate');
      const pageSize = migratePageSize();
      await withTarget(command, (target) => migrateSubjectIndexCommand(target, out, pageSize));
    });
  migrate
    .command('index-shards')
    .description(
      'Rewrite the byDay, byMediaState and byAlertStatus keys of items written before those indexes were sharded (docs/scale.md): idempotent, and resumable after an interruption from the last page it finished. Readers see every item before, during and after.',
    )
    .summary('Backfill the sharded index keys.')
    .action(async (_options: unknown, command: Command) => {
      const { migrateIndexShardsCommand } = await import('./commands/migrate');
      const pageSize = migratePageSize();
      await withTarget(command, (target) => migrateIndexShardsCommand(target, out, pageSize));
    });

  group('retention', 'Retention of records and files (retention.days in the config).')
    .command('sweep')
    .description('Delete expired records and objects now (locally; on AWS, TTL and lifecycle rules do it).')
    .summary('Delete expired records and objects now.')
    .option('--by <NAME>', 'who makes the request (default: your OS user)')
    .action(async (options: { by?: string }, command: Command) => {
      const { requester, retentionSweep } = await import('./commands/privacy');
      const by = requester(options.by);
      await withTarget(command, (target) => retentionSweep(target, { by }, out));
    });

  const consoleUsersGroup = group('console', 'The manager console: its users (the config’s officers and managers).').command('users').description('The console’s users.');
  groups.add(consoleUsersGroup);
  consoleUsersGroup
    .command('sync')
    .description(
      'Make the console’s Cognito users match the config: create the officers and managers with an e-mail (Cognito e-mails the invitation), disable those no longer in it (never deleted: the audit trail keeps them), enable returning ones. Locally: list who signs in, with which role.',
    )
    .summary('Create and disable the console’s users from the config.')
    .option('--dry-run', 'say what would change, change nothing')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const [{ consoleUsersSync }, { cliConfig }, { runningLocalConfigFile }] = await Promise.all([import('./commands/console'), import('./config'), import('./target')]);
      const stage = stageOf(command) ?? (process.env.VIGIA_STAGE || undefined);
      // Locally, the people of the running stack's config (who can sign in now), else of VIGIA_CONFIG.
      const config = cliConfig(stage ? undefined : await runningLocalConfigFile());
      await consoleUsersSync(config, { stage, dryRun: Boolean(options.dryRun) }, out);
    });

  for (const command of allCommands(root)) {
    if (command !== root && !ownUsage.has(command)) command.usage(groups.has(command) ? '<command>' : usageOf(command));
    // Every command takes --stage. Options belong to the command they follow: `alerts ack ID --json`
    // is refused rather than taken by `alerts`.
    command.addOption(new Option('--stage <NAME>', STAGE_HELP)).helpCommand(false).enablePositionalOptions();
    command.exitOverride((error) => {
      throw usageError(error, command);
    });
  }
  return { root, exitCode: () => exitCode };
}

/** The command a `--help`, `-h` or `help …` asks about, or undefined when none does; nothing after `--` counts. */
export function helpRequest(root: Command, argv: string[]): Command | undefined {
  const args = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  if (argv.length > 0 && !args.slice(0, end).some((arg) => arg === '--help' || arg === '-h')) return undefined;
  let command = root;
  for (let i = 0; i < end; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      const option = lineage(command)
        .flatMap((candidate) => candidate.options)
        .find((candidate) => candidate.long === arg || candidate.short === arg);
      if (option && (option.required || option.optional)) i++;
      continue;
    }
    const sub = command.commands.find((candidate) => candidate.name() === arg);
    if (!sub) break;
    command = sub;
  }
  return command;
}

/** Every command, the root first, in the order they were defined. */
export function allCommands(root: Command): Command[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

/** `vigia hold add`: how the command is typed. */
export function commandPath(command: Command): string {
  return lineage(command)
    .reverse()
    .map((candidate) => candidate.name())
    .join(' ');
}

function lineage(command: Command): Command[] {
  return command.parent ? [command, ...lineage(command.parent)] : [command];
}

/** An option whose value goes through one of the validators of ./arguments (bad value: exit 2, one line naming the flag). */
function checked<T>(flags: string, description: string, validate: (value: string, flag: string) => T): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => validate(value, option.long!));
}

/** The --stage nearest the command (`vigia --stage prod hold add …` or `vigia hold add … --stage prod`). */
function stageOf(command: Command): string | undefined {
  return lineage(command)
    .map((candidate) => candidate.opts<{ stage?: string }>().stage)
    .find((stage) => stage !== undefined);
}

function dataDir(): string {
  return resolve(process.env.VIGIA_DATA_DIR ?? '.vigia');
}

async function withTarget<T>(command: Command, work: (target: Target) => Promise<T>): Promise<T> {
  const { resolveTarget } = await import('./target');
  const target = await resolveTarget({ stage: stageOf(command) });
  try {
    return await work(target);
  } finally {
    target.close();
  }
}

/** `retention.days` for a replay; without a readable config the records are replayed without expiry (said on stderr). */
function replayRetentionDays(read: () => number | undefined): number | undefined {
  try {
    return read();
  } catch (error) {
    process.stderr.write(`vigia: ${(error as Error).message}; replaying without retention (records get no expiresAt)\n`);
    return undefined;
  }
}

/** `ID --by NAME [--note TEXT]`: the arguments, then the options (mandatory ones without brackets). */
function usageOf(command: Command): string {
  const args = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return argument.required ? name : `[${name}]`;
  });
  const options = command.options.map((option) => {
    const term = plainFlags(option);
    return option.mandatory ? term : `[${term}]`;
  });
  return [...args, ...options].join(' ');
}

/** `--line ID` rather than commander's `--line <ID>`, as the rest of the docs write it. */
function plainFlags(option: Option): string {
  return option.flags.replace(/<([^>]+)>/g, '$1');
}

function usageLine(command: Command): string {
  return `usage: ${commandPath(command)} ${command.usage()}`.trimEnd();
}

function usage(command: Command): UsageError {
  return new UsageError(usageLine(command));
}

/** Commander's errors as the CLI's: one line, exit 2, the wording the CLI has always used. */
function usageError(error: CommanderError, command: Command): CliError {
  const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  switch (error.code) {
    case 'commander.unknownOption':
      return new UsageError(`Unknown option '${/unknown option '([^']*)'/.exec(error.message)?.[1]}'${hint}`);
    case 'commander.excessArguments':
      return new UsageError(`Unexpected argument '${command.args[command.registeredArguments.length]}'`);
    case 'commander.unknownCommand':
      return new UsageError(`unknown command "${[...commandPath(command).split(' ').slice(1), command.args[0]].join(' ')}"${hint}`);
    case 'commander.missingArgument':
    case 'commander.missingMandatoryOptionValue':
      return usage(command);
    case 'commander.help':
      // A group (vigia hold) or vigia itself without a command.
      return new UsageError(command.parent ? `usage: ${commandPath(command)} ${command.commands.map((sub) => sub.name()).join('|')} …` : usageLine(command));
    default:
      return new UsageError(error.message.replace(/^error: /, '').replace(/<([^>]+)>/g, '$1').replace(/\n/g, ' '));
  }
}

/**
 * The help layout: fixed width (the same in a terminal, a pipe and docs/cli.md), `--line ID`
 * rather than `--line <ID>`, each command listed as it is typed (`vigia hold add`), and the
 * root's list flattened to every command that runs.
 */
function helpLayout(groups: WeakSet<Command>) {
  return {
    helpWidth: 80,
    optionTerm: plainFlags,
    subcommandTerm: (command: Command) => commandPath(command),
    formatHelp(this: Help, command: Command, helper: Help): string {
      if (!command.parent) helper.visibleCommands = () => allCommands(command).filter((candidate) => candidate !== command && !groups.has(candidate));
      return Help.prototype.formatHelp.call(this, command, helper);
    },
  };
}

function printLines(text: string, out: Out): void {
  for (const line of text.replace(/\n+$/, '').split('\n')) out(line);
}
