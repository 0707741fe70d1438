import { configFileError, ConfigFileError, describeIssue, isRecord, type Path, type Problem } from './errors';
import { quote } from './fields';
import { VigiaConfigSchema, type VigiaConfig } from './schema';

/** Validates an already parsed value (e.g. `JSON.parse` of `VIGIA_CONFIG_JSON`). */
export function validateVigiaConfig(raw: unknown, fileName: string): VigiaConfig {
  if (raw === null || raw === undefined) throw new ConfigFileError([`${fileName}: is empty (expected lines, teams and policies)`]);
  const result = VigiaConfigSchema.safeParse(raw, { reportInput: true });
  const problems = [...(result.success ? [] : result.error.issues.flatMap(describeIssue)), ...crossReferenceProblems(raw), ...retentionLockProblems(raw)];
  if (problems.length > 0) throw configFileError(fileName, raw, problems);
  return result.data!;
}

/** Unique ids and known teams, checked on the raw value so that every problem shows, not only those the schema lets through. */
function crossReferenceProblems(raw: unknown): Problem[] {
  if (!isRecord(raw)) return [];
  const problems: Problem[] = [];
  const problem = (path: Path, message: string) => problems.push({ path, message });
  const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : undefined);
  const lines = list('lines');
  const teams = list('teams');
  const policies = list('policies');

  const unique = (items: unknown[] | undefined, section: string, field: string, what: string) => {
    const seen = new Map<string, number>();
    items?.forEach((item, index) => {
      const value = isRecord(item) ? item[field] : undefined;
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else problem([section, index, field], `duplicate ${what} ${quote(value)} (already used by ${section}[${first}])`);
    });
  };
  unique(lines, 'lines', 'phoneNumberId', 'phoneNumberId');
  unique(teams, 'teams', 'id', 'team id');
  unique(policies, 'policies', 'id', 'policy id');

  // Reference checks only make sense when the teams section itself is a list.
  if (raw.teams !== undefined && !teams) return problems;
  const teamIds = new Set((teams ?? []).map((team) => (isRecord(team) ? team.id : undefined)).filter((id): id is string => typeof id === 'string'));
  const known = teamIds.size > 0 ? `teams: ${[...teamIds].join(', ')}` : 'no teams are defined';
  const checkTeam = (path: Path, value: unknown) => {
    if (typeof value === 'string' && !teamIds.has(value)) problem(path, `unknown team ${quote(value)} (${known})`);
  };
  lines?.forEach((line, index) => {
    if (isRecord(line)) checkTeam(['lines', index, 'team'], line.team);
  });
  policies?.forEach((policy, index) => {
    if (isRecord(policy) && Array.isArray(policy.teams)) policy.teams.forEach((team, teamIndex) => checkTeam(['policies', index, 'teams', teamIndex], team));
  });
  return problems;
}

/**
 * `retention.days` shorter than `archive.objectLock.days`: S3 cannot expire an object version
 * while it is locked, so raw webhooks and media would outlive the retention the config declares
 * (and the table records that point to them).
 */
function retentionLockProblems(raw: unknown): Problem[] {
  if (!isRecord(raw) || !isRecord(raw.retention) || !isRecord(raw.archive) || !isRecord(raw.archive.objectLock)) return [];
  const retentionDays = raw.retention.days;
  const lockDays = raw.archive.objectLock.days;
  if (typeof retentionDays !== 'number' || typeof lockDays !== 'number' || retentionDays >= lockDays) return [];
  return [
    {
      path: ['retention', 'days'],
      message: `must be at least archive.objectLock.days (${lockDays}): a locked object cannot expire before its lock ends, so it would be kept longer than the retention says`,
    },
  ];
}
