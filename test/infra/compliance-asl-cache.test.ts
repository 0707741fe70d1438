import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { complianceFlowAsl } from '../../infra/compliance-asl';
import { localComplianceFlowAsl } from '../../local/compliance-asl-cache';
import { VigiaConfigSchema } from '../../shared/config/vigia-config';

it('caches the synthesized ASL by content: the same definition, read back, shared by configs (the definition does not depend on them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-asl-cache-'));
  const config = VigiaConfigSchema.parse({ policies: [{ id: 'p', kind: 'keyword', severity: 'high', terms: ['x'] }] });
  const asl = await localComplianceFlowAsl(config, dir);
  expect(asl).toEqual(complianceFlowAsl(config));
  const [file] = readdirSync(dir);
  expect(file).toMatch(/^[0-9a-f]{64}\.json$/);

  // Read from the cache, not synthesized again (a marker written into the cached file comes back).
  writeFileSync(join(dir, file!), JSON.stringify({ ...asl, Comment: 'from the cache' }));
  expect(await localComplianceFlowAsl(config, dir)).toMatchObject({ Comment: 'from the cache' });

  // Another config reads the same entry (test/infra/compliance-asl.test.ts checks the definition
  // is the same for contrasting configs); an unreadable cache file is synthesized again.
  expect(await localComplianceFlowAsl({ ...config, policies: [], compliance: { history: 'skip' } }, dir)).toMatchObject({ Comment: 'from the cache' });
  expect(readdirSync(dir)).toHaveLength(1);
  writeFileSync(join(dir, file!), '{ cut sho');
  expect(await localComplianceFlowAsl(config, dir)).toEqual(asl);
});
