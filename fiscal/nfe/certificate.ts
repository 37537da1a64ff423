/**
 * Reading the seller's A1 certificate: the PKCS#12 file (.pfx / .p12) an ICP-Brasil authority
 * issues, with the RSA key that signs the NF-e and authenticates to SEFAZ.
 *
 * node-forge rather than Node's TLS: many of these files are still encrypted with
 * pbeWithSHAAnd40BitRC2-CBC, which OpenSSL 3 (Node ≥ 17) refuses without its legacy provider
 * ("Unsupported PKCS12 PFX data", nodejs/node#40672). forge decrypts them in JavaScript; the
 * key and certificates come out as PEM, which TLS (`key`/`cert`) and the signer take as they are.
 *
 * The CNPJ comes from the ICP-Brasil otherName 2.16.76.1.3.3 in the subjectAltName (DOC-ICP-04),
 * else from the subject's CN, which ICP-Brasil writes as "RAZAO SOCIAL:CNPJ".
 */
import forge from 'node-forge';
import { CertificateError } from '../errors';
import type { A1Certificate } from '../types';

/** ICP-Brasil: the CNPJ of the legal entity an e-CNPJ certificate belongs to. */
export const ICP_BRASIL_CNPJ_OID = '2.16.76.1.3.3';
const SUBJECT_ALT_NAME_OID = '2.5.29.17';

function derBytes(pfx: Buffer | string): string {
  if (Buffer.isBuffer(pfx)) return pfx.toString('binary');
  if (typeof pfx !== 'string') throw new CertificateError('corrupt', 'the certificate must be the .pfx file (bytes or base64)');
  const base64 = pfx.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new CertificateError('corrupt', 'the certificate is not base64: send the .pfx file itself, or its bytes in base64');
  return Buffer.from(base64, 'base64').toString('binary');
}

function openPkcs12(der: string, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(der);
  } catch {
    throw new CertificateError('corrupt', 'the certificate file is damaged or is not a PKCS#12 (.pfx/.p12) file');
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // forge checks the MAC before anything else: a MAC that does not verify is the password.
    if (/MAC could not be verified|Invalid password/i.test(reason)) throw new CertificateError('wrong-password', 'the certificate password is wrong');
    throw new CertificateError('corrupt', `the certificate file could not be read as PKCS#12 (${reason})`);
  }
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, type: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType: type })[type] ?? [];
}

function subjectText(cert: forge.pki.Certificate): string {
  return cert.subject.attributes.map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value)}`).join(', ');
}

/** The CNPJ in the ICP-Brasil otherName of the subjectAltName, if the certificate has one. */
function cnpjFromAltName(cert: forge.pki.Certificate): string | undefined {
  const extension = (cert.extensions as Array<{ id: string; value: string }>).find((e) => e.id === SUBJECT_ALT_NAME_OID);
  if (!extension) return undefined;
  try {
    const names = forge.asn1.fromDer(extension.value);
    for (const name of names.value as forge.asn1.Asn1[]) {
      // otherName: [0] { type-id OBJECT IDENTIFIER, [0] EXPLICIT value }
      if (name.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || name.type !== 0 || !Array.isArray(name.value)) continue;
      const [typeId, wrapped] = name.value as forge.asn1.Asn1[];
      if (forge.asn1.derToOid(typeId.value as string) !== ICP_BRASIL_CNPJ_OID) continue;
      const inner = (wrapped?.value as forge.asn1.Asn1[] | undefined)?.[0];
      const text = typeof inner?.value === 'string' ? inner.value : '';
      const digits = text.replace(/\D/g, '');
      if (digits.length === 14) return digits;
    }
  } catch {
    // A malformed extension is the authority's problem; fall back to the subject.
  }
  return undefined;
}

function cnpjFromSubject(cert: forge.pki.Certificate): string | undefined {
  const cn = cert.subject.getField('CN')?.value;
  return typeof cn === 'string' ? /:(\d{14})$/.exec(cn.trim())?.[1] : undefined;
}

/** The CNPJ a certificate (PEM) belongs to: the ICP-Brasil otherName, else the CN's "NAME:CNPJ". */
export function certificateCnpj(certPem: string): string | undefined {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
  } catch {
    return undefined;
  }
  return cnpjFromAltName(cert) ?? cnpjFromSubject(cert);
}

function samePublicKey(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): boolean {
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  return publicKey.n.equals(key.n) && publicKey.e.equals(key.e);
}

/**
 * Reads an A1 certificate from its PKCS#12 bytes (a Buffer, or base64 text) and password.
 * Throws `CertificateError` with `problem` 'wrong-password' ("the certificate password is wrong"),
 * 'corrupt', 'no-private-key' or 'no-certificate'.
 */
export function readA1(pfx: Buffer | string, password: string): A1Certificate {
  const p12 = openPkcs12(derBytes(pfx), password ?? '');
  const keys = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(p12, forge.pki.oids.keyBag)]
    .map((bag) => bag.key as forge.pki.rsa.PrivateKey | undefined)
    .filter((key): key is forge.pki.rsa.PrivateKey => key !== undefined);
  const certificates = bagsOf(p12, forge.pki.oids.certBag)
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => cert !== undefined && cert !== null);
  if (keys.length === 0) throw new CertificateError('no-private-key', 'the certificate file has no private key: export it again with the key included');
  if (certificates.length === 0) throw new CertificateError('no-certificate', 'the certificate file has a key but no certificate');
  // The signing certificate is the one whose public key matches the private key; the rest is the chain.
  let key = keys[0];
  let own = certificates.find((cert) => samePublicKey(cert, key));
  for (const candidate of keys) {
    if (own) break;
    key = candidate;
    own = certificates.find((cert) => samePublicKey(cert, candidate));
  }
  if (!own) throw new CertificateError('no-certificate', 'no certificate in the file matches its private key');
  const chain = certificates.filter((cert) => cert !== own);
  return {
    certPem: forge.pki.certificateToPem(own),
    keyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))),
    chainPem: chain.map((cert) => forge.pki.certificateToPem(cert)),
    subject: subjectText(own),
    cnpj: cnpjFromAltName(own) ?? cnpjFromSubject(own),
    notBefore: own.validity.notBefore,
    notAfter: own.validity.notAfter,
  };
}

/** Whether the certificate is expired or expires within `days` of `now`: time to ask for a new one. */
export function expiresWithinDays(cert: Pick<A1Certificate, 'notAfter'>, days: number, now: Date = new Date()): boolean {
  return cert.notAfter.getTime() - now.getTime() <= days * 86_400_000;
}

/** The certificate's DER in base64 on one line: what KeyInfo/X509Data/X509Certificate carries. */
export function certificateBase64(certPem: string): string {
  return certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
