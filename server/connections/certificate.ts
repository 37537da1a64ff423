/**
 * The client certificate a connection presents (SEFAZ's A1, a PSP's or a bank's), as people need
 * to see it: whose it is and until when. Certificates expire yearly and nothing works the day
 * after, so the API says so 30 days ahead (`expiresSoon`), on the connection and on the hub.
 */
import { X509Certificate } from 'node:crypto';
import type { ConnectorDefinition } from '../../connectors/types';

export const CERTIFICATE_WARNING_DAYS = 30;

export type CertificateStatus =
  | { subject: string; notAfter: string; daysLeft: number; expired: boolean; expiresSoon: boolean }
  | { problem: string };

export function certificateStatus(connector: ConnectorDefinition, credentials: Record<string, string>, now = new Date()): CertificateStatus | null {
  if (!connector.tls) return null;
  let pem = '';
  try {
    pem = connector.tls(credentials)?.cert ?? '';
  } catch (err) {
    return { problem: (err as Error).message };
  }
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!first) {
    const given = Object.entries(connector.credentialSchema.properties).some(([field, p]) => /certif/i.test(field) && p.secret !== undefined && credentials[field]);
    return given ? { problem: 'The certificate cannot be read (the file or its password): "Testar conexão" says why' } : null;
  }
  const x = new X509Certificate(first);
  const notAfter = new Date(x.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  const subject = /CN=([^\n,]+)/.exec(x.subject)?.[1] ?? x.subject.replace(/\n/g, ', ');
  return { subject, notAfter: notAfter.toISOString(), daysLeft, expired: daysLeft < 0, expiresSoon: daysLeft <= CERTIFICATE_WARNING_DAYS };
}
