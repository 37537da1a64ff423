/**
 * Throwaway ICP-Brasil-shaped certificates for tests and the SEFAZ simulator: a CA, A1
 * certificates (PKCS#12, the CNPJ in the otherName 2.16.76.1.3.3 and in the CN "NAME:CNPJ") and
 * server certificates for a simulator's TLS. Nothing is written to disk and no key is committed.
 *
 * Not connectors/simulator-kit/certificates.ts: that one makes a fresh CA per call and keeps its
 * key, so nothing else can be issued under it, and it has neither the ICP-Brasil names nor PKCS#12.
 *
 * `legacyRc2` builds the PKCS#12 the way OpenSSL 1.x did by default and many Brazilian A1 files
 * still are: certificates encrypted with pbeWithSHAAnd40BitRC2-CBC, key with 3DES, SHA-1 MAC,
 * which Node's own TLS (OpenSSL 3) refuses. Otherwise it is PBES2 AES-256 with HMAC-SHA256.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { ICP_BRASIL_CNPJ_OID } from '../nfe/certificate';

export interface A1Options {
  cnpj: string;
  /** Razão social: the CN is "name:cnpj". */
  name: string;
  password: string;
  /** RC2-40 certificates / 3DES key / SHA-1 MAC, as legacy A1 files are. */
  legacyRc2?: boolean;
  notAfter?: Date;
  /** Default: one minute ago. */
  notBefore?: Date;
  /** The subject's CN; default "name:cnpj", as ICP-Brasil writes it. */
  commonName?: string;
  /** Whether the CNPJ also goes in the subjectAltName otherName 2.16.76.1.3.3 (default true). */
  altName?: boolean;
}

export interface IssuedA1 {
  /** The PKCS#12 file, base64. */
  pfxBase64: string;
  certPem: string;
  keyPem: string;
}

export interface TestCa {
  certPem: string;
  keyPem: string;
  issueA1(options: A1Options): IssuedA1;
  /** A TLS server certificate for `hosts` (DNS names and IP addresses). */
  issueServer(hosts: string[]): { certPem: string; keyPem: string };
}

const { asn1 } = forge;

interface KeyPair {
  key: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
}

// Node generates the RSA key (native, fast); forge builds and signs the certificates.
function rsaKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem: privateKey };
}

function certificate(options: {
  subject: forge.pki.CertificateField[];
  publicKey: forge.pki.rsa.PublicKey;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  selfKey?: forge.pki.rsa.PrivateKey;
  extensions: object[];
  notBefore?: Date;
  notAfter?: Date;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  // A positive serial: the first byte's high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notAfter = options.notAfter ?? new Date(cert.validity.notBefore.getTime() + 365 * 86_400_000);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  cert.setExtensions(options.extensions);
  cert.sign(options.issuer?.key ?? (options.selfKey as forge.pki.rsa.PrivateKey), forge.md.sha256.create());
  return cert;
}

/** subjectAltName with ICP-Brasil otherNames; forge writes otherName as primitive, so it is built here. */
function icpBrasilAltName(cnpj: string, responsible: string): object {
  const otherName = (oid: string, value: string) =>
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, value)]),
    ]);
  return {
    id: '2.5.29.17',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      // 2.16.76.1.3.2: name of the person responsible for the company.
      otherName('2.16.76.1.3.2', responsible),
      otherName(ICP_BRASIL_CNPJ_OID, cnpj),
    ]),
  };
}

const sequence = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const integer = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());

const ITERATIONS = 2048;

/**
 * forge writes certificates unencrypted, so the legacy file is forge's output with its certificate
 * SafeContents re-wrapped as EncryptedData under pbeWithSHAAnd40BitRC2-CBC (RFC 7292 appendix C)
 * and the MAC computed again over the changed AuthenticatedSafe.
 */
function legacyPkcs12(key: forge.pki.rsa.PrivateKey, certs: forge.pki.Certificate[], password: string): string {
  const pfx = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des', useMac: false, generateLocalKeyId: true, count: ITERATIONS });
  const pfxParts = pfx.value as forge.asn1.Asn1[];
  const authSafeOctets = ((pfxParts[1].value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
  const contentInfos = asn1.fromDer(authSafeOctets.value as string);
  const infos = contentInfos.value as forge.asn1.Asn1[];
  const certInfo = infos.findIndex((info) => {
    const safe = asn1.fromDer(((info.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0].value as string);
    return (safe.value as forge.asn1.Asn1[]).some((bag) => asn1.derToOid((bag.value as forge.asn1.Asn1[])[0].value as string) === forge.pki.oids.certBag);
  });
  const plain = ((infos[certInfo].value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0].value as string;

  const salt = forge.random.getBytesSync(8);
  const saltBuffer = () => forge.util.createBuffer(salt);
  const rc2Key = forge.pkcs12.generateKey(password, saltBuffer(), 1, ITERATIONS, 5);
  const iv = forge.pkcs12.generateKey(password, saltBuffer(), 2, ITERATIONS, 8);
  const cipher = forge.rc2.createEncryptionCipher(rc2Key, 40);
  cipher.start(iv);
  cipher.update(forge.util.createBuffer(plain));
  cipher.finish();
  infos[certInfo] = sequence([
    oid(forge.pki.oids.encryptedData),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      sequence([
        integer(0),
        sequence([
          oid(forge.pki.oids.data),
          sequence([oid(forge.pki.oids['pbewithSHAAnd40BitRC2-CBC']), sequence([octets(salt), integer(ITERATIONS)])]),
          asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, cipher.output.getBytes()),
        ]),
      ]),
    ]),
  ]);
  const authSafe = asn1.toDer(contentInfos).getBytes();
  authSafeOctets.value = authSafe;

  const macSalt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(macSalt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(authSafe);
  pfxParts.push(
    sequence([
      sequence([sequence([oid(forge.pki.oids.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
      octets(macSalt),
      integer(ITERATIONS),
    ]),
  );
  return asn1.toDer(pfx).getBytes();
}

/** A CA for the tests or the simulator; its key stays in memory. */
export function createTestCa(name = 'AC Ponte Testes'): TestCa {
  const caKeys = rsaKeyPair();
  const caSubject = [
    { name: 'countryName', value: 'BR' },
    { name: 'organizationName', value: 'ICP-Brasil (test)' },
    { name: 'commonName', value: name },
  ];
  const caCert = certificate({
    subject: caSubject,
    publicKey: caKeys.publicKey,
    selfKey: caKeys.key,
    notAfter: new Date(Date.now() + 5 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const issuer = { cert: caCert, key: caKeys.key };

  return {
    certPem: forge.pki.certificateToPem(caCert),
    keyPem: caKeys.pem,
    issueA1(options: A1Options): IssuedA1 {
      const keys = rsaKeyPair();
      const cert = certificate({
        subject: [
          { name: 'countryName', value: 'BR' },
          { name: 'organizationName', value: 'ICP-Brasil (test)' },
          { shortName: 'OU', value: 'Certificado PJ A1' },
          { name: 'commonName', value: options.commonName ?? `${options.name}:${options.cnpj}` },
        ],
        publicKey: keys.publicKey,
        issuer,
        notBefore: options.notBefore,
        notAfter: options.notAfter,
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
          ...(options.altName === false ? [] : [icpBrasilAltName(options.cnpj, options.name)]),
        ],
      });
      const der = options.legacyRc2
        ? legacyPkcs12(keys.key, [cert, caCert], options.password)
        : asn1
            .toDer(
              forge.pkcs12.toPkcs12Asn1(keys.key, [cert, caCert], options.password, {
                algorithm: 'aes256',
                prfAlgorithm: 'sha256',
                generateLocalKeyId: true,
                count: ITERATIONS,
              } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]),
            )
            .getBytes();
      return { pfxBase64: Buffer.from(der, 'binary').toString('base64'), certPem: forge.pki.certificateToPem(cert), keyPem: keys.pem };
    },
    issueServer(hosts: string[]) {
      const keys = rsaKeyPair();
      const cert = certificate({
        subject: [
          { name: 'countryName', value: 'BR' },
          { name: 'commonName', value: hosts[0] ?? 'localhost' },
        ],
        publicKey: keys.publicKey,
        issuer,
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          // RFC 5280 GeneralName: 7 is an IP address, 2 a DNS name.
          { name: 'subjectAltName', altNames: hosts.map((host) => (/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host })) },
        ],
      });
      return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.pem };
    },
  };
}
