import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../shared/config/env';
import { whatsAppSecretsSource } from '../../shared/platform/secrets';

const secretsManager = mockClient(SecretsManagerClient);
beforeEach(() => secretsManager.reset());

describe('whatsAppSecretsSource', () => {
  it('uses the environment when the app secret and verify token are set (local stack)', async () => {
    const source = whatsAppSecretsSource({ WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v' });
    expect(await source()).toEqual({ appSecret: 'a', verifyToken: 'v', accessToken: undefined });
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('reads the JSON secret named by WHATSAPP_SECRET_ARN from Secrets Manager', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:vigia/dev/whatsapp-AbCdEf';
    secretsManager.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ appSecret: 'a', verifyToken: 'v', accessToken: 't' }) });
    const source = whatsAppSecretsSource({ WHATSAPP_SECRET_ARN: arn, AWS_REGION: 'us-east-1' });
    expect(await source()).toEqual({ appSecret: 'a', verifyToken: 'v', accessToken: 't' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0].args[0].input).toMatchObject({ SecretId: arn });
  });

  it('refuses a secret still holding the empty placeholder the stack creates', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:vigia/placeholder-AbCdEf';
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ appSecret: '', verifyToken: 'generated', accessToken: '' }) });
    const source = whatsAppSecretsSource({ WHATSAPP_SECRET_ARN: arn, AWS_REGION: 'us-east-1' });
    await expect(source()).rejects.toThrow(ConfigurationError);
    await expect(source()).rejects.toThrow(`Secret ${arn} must be JSON with string fields appSecret and verifyToken (accessToken optional)`);
  });

  it('fails at cold start with one clear message when nothing is configured', () => {
    expect(() => whatsAppSecretsSource({})).toThrow(
      'Invalid configuration — WHATSAPP_SECRET_ARN: set WHATSAPP_SECRET_ARN, or both WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN',
    );
  });
});
