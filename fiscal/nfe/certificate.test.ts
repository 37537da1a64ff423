import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateError } from '../errors';
import { createTestCa, type TestCa } from '../testing/certificates';
import { certificateCnpj, expiresWithinDays, readA1 } from './certificate';
import { thrownBy } from '../testing/thrown';

const CNPJ = '58716523000119';
let ca: TestCa;

beforeAll(() => {
  ca = createTestCa('AC Testes Certificado');
});

const errorOf = (fn: () => unknown) => thrownBy(fn, CertificateError);

/** The encryption algorithms in a PKCS#12, by OID name, to prove what kind of file a test reads. */
function pkcs12Algorithms(pfxBase64: string): string[] {
  const der = forge.util.decode64(pfxBase64);
  const found: string[] = [];
  const walk = (node: forge.asn1.Asn1) => {
    if (node.type === forge.asn1.Type.OID && typeof node.value === 'string') {
      const name = forge.pki.oids[forge.asn1.derToOid(node.value)];
      if (typeof name === 'string' && /pbe|aes|PBES2|RC2|TripleDES/i.test(name)) found.push(name);
    }
    if (Array.isArray(node.value)) node.value.forEach(walk);
    // The AuthenticatedSafe is DER inside an OCTET STRING: open it too.
    if (node.type === forge.asn1.Type.OCTETSTRING && typeof node.value === 'string' && node.value.charCodeAt(0) === 0x30) {
      try {
        walk(forge.asn1.fromDer(node.value));
      } catch {
        // Not DER after all (encrypted bytes).
      }
    }
  };
  walk(forge.asn1.fromDer(der));
  return found;
}

describe('readA1', () => {
  it('reads a legacy PKCS#12 (certificates under RC2-40, key under 3DES) that Node\'s TLS refuses', () => {
    const a1 = ca.issueA1({ cnpj: CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'segredo', legacyRc2: true });
    expect(pkcs12Algorithms(a1.pfxBase64)).toEqual(expect.arrayContaining(['pbewithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC']));
    // OpenSSL 3 without its legacy provider: "Unsupported PKCS12 PFX data" (nodejs/node#40672).
    expect(() => createSecureContext({ pfx: Buffer.from(a1.pfxBase64, 'base64'), passphrase: 'segredo' })).toThrow();
    const cert = readA1(Buffer.from(a1.pfxBase64, 'base64'), 'segredo');
    expect(cert.cnpj).toBe(CNPJ);
    expect(cert.subject).toBe(`C=BR, O=ICP-Brasil (test), OU=Certificado PJ A1, CN=LOJA EXEMPLO LTDA:${CNPJ}`);
    expect(cert.certPem).toBe(a1.certPem);
    expect(cert.chainPem).toEqual([ca.certPem]);
    // What it read is usable as-is by Node's TLS.
    expect(() => createSecureContext({ key: cert.keyPem, cert: cert.certPem })).not.toThrow();
  });

  it('reads a modern PKCS#12 (PBES2, AES-256, HMAC-SHA256) from base64 text', () => {
    const a1 = ca.issueA1({ cnpj: CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'segredo' });
    expect(pkcs12Algorithms(a1.pfxBase64)).toEqual(expect.arrayContaining(['pkcs5PBES2', 'aes256-CBC']));
    expect(pkcs12Algorithms(a1.pfxBase64)).not.toContain('pbewithSHAAnd40BitRC2-CBC');
    const cert = readA1(a1.pfxBase64, 'segredo');
    expect(cert.cnpj).toBe(CNPJ);
    expect(cert.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(() => createSecureContext({ pfx: Buffer.from(a1.pfxBase64, 'base64'), passphrase: 'segredo' })).not.toThrow();
  });

  it('says exactly that the password is wrong, for legacy and modern files', () => {
    for (const legacyRc2 of [true, false]) {
      const a1 = ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'certa', legacyRc2 });
      const error = errorOf(() => readA1(a1.pfxBase64, 'errada'));
      expect(error.message).toBe('the certificate password is wrong');
      expect(error.problem).toBe('wrong-password');
      // A person must act (new password): the run stops rather than retrying.
      expect(error.kind).toBe('ConfigError');
    }
  });

  it('tells a damaged or foreign file apart from a wrong password', () => {
    expect(errorOf(() => readA1(Buffer.from('not a pfx at all'), 'x')).problem).toBe('corrupt');
    expect(errorOf(() => readA1('@@not base64@@', 'x')).problem).toBe('corrupt');
    const a1 = ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'certa' });
    const truncated = Buffer.from(a1.pfxBase64, 'base64').subarray(0, 200);
    const error = errorOf(() => readA1(truncated, 'certa'));
    expect(error.problem).toBe('corrupt');
    expect(error.message).not.toContain('password');
  });

  it('reads the CNPJ from the ICP-Brasil otherName 2.16.76.1.3.3 when the CN has none', () => {
    const a1 = ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'p', commonName: 'LOJA EXEMPLO LTDA' });
    expect(readA1(a1.pfxBase64, 'p').cnpj).toBe(CNPJ);
    expect(certificateCnpj(a1.certPem)).toBe(CNPJ);
  });

  it('falls back to the CN "NAME:CNPJ" when there is no otherName, and to nothing when neither has it', () => {
    const fromCn = ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'p', altName: false });
    expect(readA1(fromCn.pfxBase64, 'p').cnpj).toBe(CNPJ);
    const none = ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'p', altName: false, commonName: 'LOJA' });
    expect(readA1(none.pfxBase64, 'p').cnpj).toBeUndefined();
  });

  it('gives the validity period', () => {
    const notBefore = new Date('2026-01-01T00:00:00Z');
    const notAfter = new Date('2027-01-01T00:00:00Z');
    const cert = readA1(ca.issueA1({ cnpj: CNPJ, name: 'LOJA', password: 'p', notBefore, notAfter }).pfxBase64, 'p');
    expect(cert.notBefore.toISOString()).toBe(notBefore.toISOString());
    expect(cert.notAfter.toISOString()).toBe(notAfter.toISOString());
  });
});

describe('expiresWithinDays', () => {
  const cert = { notAfter: new Date('2027-01-31T12:00:00Z') };

  it('is true inside the window, at its edge and once expired; false before', () => {
    expect(expiresWithinDays(cert, 30, new Date('2027-01-01T12:00:00Z'))).toBe(true);
    expect(expiresWithinDays(cert, 30, new Date('2027-01-01T11:59:59Z'))).toBe(false);
    expect(expiresWithinDays(cert, 30, new Date('2026-11-24T00:00:00Z'))).toBe(false);
    expect(expiresWithinDays(cert, 0, new Date('2027-02-01T00:00:00Z'))).toBe(true);
  });
});
