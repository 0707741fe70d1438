import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseVigiaConfig } from '../../shared/config/vigia-config';

const BASE = `
lines:
  - { phoneNumberId: "106540352242922", employee: Ana Souza }
`;

function problemsOf(text: string): string[] {
  try {
    parseVigiaConfig(text, 'vigia.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    return (error as ConfigFileError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('deployment settings of the config (issue 6)', () => {
  it('defaults: no Object Lock, an ops topic without subscribers and a 24-hour capture gap, no stage overrides', () => {
    const config = parseVigiaConfig(BASE, 'vigia.config.yaml');
    expect(config.archive).toBeUndefined();
    expect(config.ops).toEqual({ email: [], sms: [], captureGapHours: 24 });
    expect(config.stages).toBeUndefined();
    expect(config.lines[0]!.expectTraffic).toBeUndefined();
  });

  it('reads archive.objectLock, ops, stages and lines[].expectTraffic', () => {
    const config = parseVigiaConfig(
      `lines:
  - { phoneNumberId: "106540352242922", employee: Ana Souza, expectTraffic: false }
archive:
  objectLock: { mode: COMPLIANCE, days: 1825 }
retention: { days: 1825 }
ops:
  email: [ops@example.com]
  sms: ["+5511988887777"]
  captureGapHours: 72
stages:
  prod: { logRetentionDays: 731, accessLogRetentionDays: 400 }
`,
      'vigia.config.yaml',
    );
    expect(config.archive).toEqual({ objectLock: { mode: 'COMPLIANCE', days: 1825 } });
    expect(config.ops).toEqual({ email: ['ops@example.com'], sms: ['+5511988887777'], captureGapHours: 72 });
    expect(config.stages).toEqual({ prod: { logRetentionDays: 731, accessLogRetentionDays: 400 } });
    expect(config.lines[0]!.expectTraffic).toBe(false);
  });

  it('rejects an Object Lock mode or period that S3 does not accept', () => {
    expect(problemsOf(`${BASE}archive:\n  objectLock: { mode: WORM, days: 0 }\n`)).toEqual([
      'vigia.config.yaml: archive.objectLock.mode: must be one of GOVERNANCE, COMPLIANCE, got "WORM"',
      'vigia.config.yaml: archive.objectLock.days: must be between 1 and 36500',
    ]);
    expect(problemsOf(`${BASE}archive:\n  objectLock: { mode: GOVERNANCE }\n`)).toEqual(['vigia.config.yaml: archive.objectLock.days: is required']);
  });

  it('rejects a retention shorter than the Object Lock (locked objects cannot expire)', () => {
    expect(problemsOf(`${BASE}retention: { days: 365 }\narchive:\n  objectLock: { mode: GOVERNANCE, days: 1825 }\n`)).toEqual([
      'vigia.config.yaml: retention.days: must be at least archive.objectLock.days (1825): a locked object cannot expire before its lock ends, so it would be kept longer than the retention says',
    ]);
  });

  it('rejects bad ops endpoints, duplicates and gap hours', () => {
    expect(problemsOf(`${BASE}ops:\n  email: [ops@example.com, ops@example.com]\n  sms: ["11 9999"]\n  captureGapHours: 200\n`)).toEqual([
      'vigia.config.yaml: ops.email: lists an address twice (SNS allows one subscription per endpoint)',
      'vigia.config.yaml: ops.sms[0]: must be an E.164 phone number ("+" and 8–15 digits, no spaces), got "11 9999"',
      'vigia.config.yaml: ops.captureGapHours: must be between 1 and 168',
    ]);
  });

  it('rejects a log retention CloudWatch Logs does not offer, and a stage name that is not one', () => {
    expect(problemsOf(`${BASE}stages:\n  prod: { logRetentionDays: 100 }\n`)).toEqual([
      expect.stringMatching(/^vigia\.config\.yaml: stages\.prod\.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,/),
    ]);
    expect(problemsOf(`${BASE}stages:\n  Prod: { logRetentionDays: 365 }\n`)).toEqual([
      'vigia.config.yaml: stages.Prod: must be a stage name (lowercase letters, digits and dashes), got "Prod"',
    ]);
  });

  it('rejects an expectTraffic that is not a boolean', () => {
    expect(problemsOf(`lines:\n  - { phoneNumberId: "106540352242922", employee: Ana Souza, expectTraffic: "no" }\n`)).toEqual([
      'vigia.config.yaml: lines[0].expectTraffic: must be true or false, got "no"',
    ]);
  });
});
