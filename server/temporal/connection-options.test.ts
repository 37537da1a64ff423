import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigProblem } from '../config';
import { temporalConnectionOptions } from './connection-options';

describe('connecting to a Temporal server that is not the embedded one', () => {
  it('speaks plain gRPC by default, TLS with an API key for Temporal Cloud, mTLS with a certificate pair', () => {
    expect(temporalConnectionOptions({ address: 'temporal:7233' })).toEqual({ address: 'temporal:7233' });
    expect(temporalConnectionOptions({ address: 'ns.acct.tmprl.cloud:7233', apiKey: 'k' })).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'k' });
    const dir = mkdtempSync(join(tmpdir(), 'ponte-tls-'));
    writeFileSync(join(dir, 'c.pem'), 'CERT');
    writeFileSync(join(dir, 'k.pem'), 'KEY');
    const mtls = temporalConnectionOptions({ address: 'a:7233', tlsCert: join(dir, 'c.pem'), tlsKey: join(dir, 'k.pem') });
    expect(mtls.tls).toEqual({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
  });

  it('refuses half a certificate pair or a file it cannot read, naming the setting', () => {
    expect(() => temporalConnectionOptions({ address: 'a:7233', tlsCert: '/x.pem' })).toThrow(ConfigProblem);
    expect(() => temporalConnectionOptions({ address: 'a:7233', tlsCert: '/nope/c.pem', tlsKey: '/nope/k.pem' })).toThrow(/TEMPORAL_TLS_CERT points to "\/nope\/c.pem"/);
  });
});
