/**
 * Throwaway certificates for simulators that speak mutual TLS (API Pix PSPs, Banco Inter): a CA
 * made at start, a server certificate for 127.0.0.1/localhost and client certificates it signs,
 * all PEM. Nothing is written to disk and nothing outlives the process, so no test depends on a
 * committed key.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface PemPair {
  cert: string;
  key: string;
}

export interface TestPki {
  /** The CA's certificate: what a client trusts for the server, and the server for clients. */
  caCertificate: string;
  server: PemPair;
  /** A client certificate the CA signed (CN = `clientName`). */
  client: PemPair;
  /** Another client certificate from the same CA, e.g. for a second application. */
  issueClient(commonName: string, options?: { validDays?: number; notBefore?: Date }): PemPair;
}

interface Issuer {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

// Node's key generation is native and fast; forge only builds and signs the certificates.
function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; privatePem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), privatePem: privateKey };
}

function build(options: {
  commonName: string;
  organization: string;
  issuer?: Issuer;
  extensions: object[];
  validDays?: number;
  notBefore?: Date;
}): { pair: PemPair; issuer: Issuer } {
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A positive serial: the first byte's high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const from = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + (options.validDays ?? 30) * 86_400_000);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: options.organization },
    { name: 'countryName', value: 'BR' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  cert.setExtensions(options.extensions);
  cert.sign(options.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { pair: { cert: forge.pki.certificateToPem(cert), key: keys.privatePem }, issuer: { cert, key: keys.privateKey } };
}

function clientExtensions(): object[] {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
  ];
}

/** A CA, a server certificate for `serverNames` (IPs and DNS names) and one client certificate. */
export function createTestPki(options: { organization?: string; clientName?: string; serverNames?: string[] } = {}): TestPki {
  const organization = options.organization ?? 'Ponte Simulator';
  const ca = build({
    commonName: `${organization} Test CA`,
    organization,
    validDays: 365,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
  });
  const names = options.serverNames ?? ['127.0.0.1', 'localhost'];
  const server = build({
    commonName: names[0],
    organization,
    issuer: ca.issuer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      // Type 7 is an IP address, type 2 a DNS name (RFC 5280 GeneralName).
      { name: 'subjectAltName', altNames: names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ],
  });
  const issueClient = (commonName: string, extra: { validDays?: number; notBefore?: Date } = {}) =>
    build({ commonName, organization, issuer: ca.issuer, extensions: clientExtensions(), ...extra }).pair;
  return {
    caCertificate: ca.pair.cert,
    server: server.pair,
    client: issueClient(options.clientName ?? 'ponte-client'),
    issueClient,
  };
}

/** A client certificate from a CA nobody trusts: what a server must refuse at the handshake. */
export function untrustedClientCertificate(commonName = 'stranger'): PemPair {
  return createTestPki({ organization: 'Unknown Issuer', clientName: commonName }).client;
}
