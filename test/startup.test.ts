import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { childDatabaseEnv } from './support/database';
import { startPonteProcess } from './support/ponte-process';

describe('starting Ponte', () => {
  it('refuses to start with a secret key other than the one its data was sealed with', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ponte-key-'));
    const database = await childDatabaseEnv();
    const env = { ...database.env, PONTE_DATA_DIR: dataDir, TEMPORAL_ADDRESS: inject('temporalAddress'), PONTE_TASK_QUEUE: `key-${Date.now()}` };
    try {
      const first = await startPonteProcess({ ...env, PONTE_SECRET_KEY: 'the-original-key' });
      const created = await first.api('POST', '/api/connections', { name: 'Bling', provider: 'bling', credentials: { accessToken: 'abc-12345' } });
      expect(created.status).toBe(201);
      await first.stop();

      const error = await startPonteProcess({ ...env, PONTE_SECRET_KEY: 'some-other-key' }).then(
        (p) => (p.stop(), null),
        (err: Error) => err,
      );
      expect(error?.message).toContain('The secret key does not match the one this database was sealed with');

      const again = await startPonteProcess({ ...env, PONTE_SECRET_KEY: 'the-original-key' });
      const list = await again.api('GET', '/api/connections');
      expect(list.body.connections[0].credentials.accessToken).toBe('••••2345');
      await again.stop();
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names the variable when a setting is wrong', async () => {
    const error = await startPonteProcess({ LOG_LEVEL: 'loud', TEMPORAL_ADDRESS: inject('temporalAddress') }).then(
      (p) => (p.stop(), null),
      (err: Error) => err,
    );
    expect(error?.message).toContain('LOG_LEVEL must be one of');
  });
});
