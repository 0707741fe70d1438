import './node-version';
import { ensureConsoleBuilt } from './console-static';
import { startLocalStack } from './stack';

/** `npm start`: the local stack in the foreground until Ctrl-C. */
const stack = await startLocalStack().catch((error: Error & { code?: string }) => {
  const hint = error.code === 'EADDRINUSE' ? ' (is another Vigia running? set PORT to use another port)' : '';
  console.error(`vigia: could not start the local stack: ${error.message}${hint}`);
  process.exit(1);
});

// The console page, built now rather than on the first visit (once; again only when console/src changed).
await ensureConsoleBuilt().catch((error: Error) => console.error(`vigia: the console page could not be built: ${error.message}`));

const { info, secrets, consolePasswords } = stack;
// The console's sign-in passwords: only here, at npm start (never in a log).
const consoleLines = consolePasswords.fromEnv
  ? `  console        ${info.url}/   sign in with a console user's e-mail and VIGIA_DEV_PASSWORD (POST ${info.url}/auth/local/sign-in)\n`
  : consolePasswords.byEmail.size > 0
    ? `  console        ${info.url}/   sign in (POST ${info.url}/auth/local/sign-in) as:\n${[...consolePasswords.byEmail]
        .map(([email, password]) => `                   ${email.padEnd(32)} ${password}\n`)
        .join('')}                 (generated, kept in ${stack.dataDir}/dev-secrets.json; set VIGIA_DEV_PASSWORD for one password for everyone)\n`
    : `  console        no console users: add console.officers or team managers with an email to the config\n`;
const shown = (name: keyof typeof secrets, env: string) =>
  secrets.generated.includes(name as never) ? `${secrets[name]}  (generated, kept in ${stack.dataDir}/dev-secrets.json; set ${env} to choose)` : `(from ${env})`;
console.log(`Vigia local stack ready
  webhook        ${info.url}/webhook   (GET = Meta's verification, POST = notifications)
  health         ${info.url}/healthz
  data           ${stack.dataDir}
  app secret     ${shown('appSecret', 'WHATSAPP_APP_SECRET')}
  verify token   ${shown('verifyToken', 'WHATSAPP_VERIFY_TOKEN')}
  access token   ${shown('accessToken', 'WHATSAPP_ACCESS_TOKEN')}
  media from     ${stack.fakeGraphApiUrl ? `${stack.fakeGraphApiUrl}  (built-in fake Graph API: no WHATSAPP_ACCESS_TOKEN given)` : (process.env.WHATSAPP_GRAPH_API_URL ?? "Meta's Graph API")}
${consoleLines}${stack.config.privacy?.employeeNotice ? `  notices        usage policy ${stack.config.privacy.employeeNotice.policyVersion} e-mailed to the outbox; links at ${info.url}/notice/ack  (npx vigia lines)\n` : ''}${stack.config.privacy?.disclosure?.enabled ? `  disclosure     new contacts get the first-contact notice through the Graph API above\n` : ''}${stack.recovered > 0 ? `  recovered      ${stack.recovered} archived webhooks that were not projected before the last stop\n` : ''}
Try: npm run simulate   then   npx vigia messages   and   npx vigia media   or open ${info.url}/ and sign in`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('\nvigia: stopping (finishing the ingest queue)…');
    await stack.stop();
    process.exit(0);
  });
}
