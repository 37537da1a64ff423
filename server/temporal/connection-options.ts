/**
 * How Ponte reaches a Temporal server that is not the embedded one: plain gRPC on a private
 * network, TLS with a client certificate (mTLS: self-hosted clusters, Temporal Cloud), or TLS with
 * an API key (Temporal Cloud). The same options serve the client (server role) and the worker.
 */
import { readFileSync } from 'node:fs';
import { ConfigProblem } from '../config';

export interface TemporalTarget {
  address: string;
  apiKey?: string;
  /** Paths of the client certificate and its key (PEM). */
  tlsCert?: string;
  tlsKey?: string;
}

export function temporalConnectionOptions(target: TemporalTarget): { address: string; tls?: boolean | { clientCertPair: { crt: Buffer; key: Buffer } }; apiKey?: string } {
  if (Boolean(target.tlsCert) !== Boolean(target.tlsKey)) throw new ConfigProblem('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mTLS) or neither');
  if (target.tlsCert && target.tlsKey) {
    const read = (name: string, path: string) => {
      try {
        return readFileSync(path);
      } catch (err) {
        throw new ConfigProblem(`${name} points to "${path}", which cannot be read: ${(err as Error).message}`);
      }
    };
    return { address: target.address, tls: { clientCertPair: { crt: read('TEMPORAL_TLS_CERT', target.tlsCert), key: read('TEMPORAL_TLS_KEY', target.tlsKey) } } };
  }
  if (target.apiKey) return { address: target.address, tls: true, apiKey: target.apiKey };
  return { address: target.address };
}
