/**
 * The NF-e's XML-DSig, as SEFAZ checks it (the MOC's "Padrão de Assinatura Digital";
 * sped-common's Signer::createSignature is the implementation everyone compares against):
 *
 * - enveloped, one Reference URI="#NFe…" to infNFe's Id, transforms enveloped-signature then
 *   inclusive C14N 1.0 (http://www.w3.org/TR/2001/REC-xml-c14n-20010315), SHA-1 digest;
 * - SignedInfo canonicalized with the same C14N and signed RSA-SHA1;
 * - KeyInfo/X509Data/X509Certificate: the signer's DER in base64 on one line (a line break fails
 *   the schema);
 * - `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">` with no prefix (a `ds:` prefix is
 *   refused, 298), as the last child of the signed element's parent: NFe, evento or inutNFe.
 *
 * Nothing inside infNFe may change after signing (297); the NFC-e's infNFeSupl lives outside it
 * and goes in after signing (qrcode.ts). xml-crypto does the canonicalization and RSA.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { A1Certificate } from '../types';
import { certificateBase64 } from './certificate';

export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

/** The elements the recipe signs: the NF-e, an event (cancellation, CC-e), a number-range voiding. */
export type SignedElement = 'infNFe' | 'infEvento' | 'infInut';

export interface SignatureCheck {
  valid: boolean;
  /** Why not, in words a person can act on. */
  reason?: string;
  /** The certificate in KeyInfo, PEM. */
  certificatePem?: string;
}

const byLocalName = (name: string) => `//*[local-name(.)='${name}']`;

/**
 * Signs `element` (infNFe by default) of an unsigned document with the A1 certificate and returns
 * the signed XML. The document must have exactly one such element, with its Id attribute.
 */
export function signNfe(xml: string, cert: Pick<A1Certificate, 'certPem' | 'keyPem'>, element: SignedElement = 'infNFe'): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const targets = doc.getElementsByTagNameNS('*', element);
  if (targets.length !== 1) throw new Error(`signNfe: the document must have exactly one ${element}, found ${targets.length}`);
  if (!targets[0].getAttribute('Id')) throw new Error(`signNfe: ${element} has no Id attribute to reference`);
  if (doc.getElementsByTagNameNS(DSIG_NAMESPACE, 'Signature').length > 0) throw new Error('signNfe: the document is already signed');
  const certificate = certificateBase64(cert.certPem);
  const signer = new SignedXml({
    privateKey: cert.keyPem,
    publicCert: cert.certPem,
    canonicalizationAlgorithm: C14N,
    signatureAlgorithm: RSA_SHA1,
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certificate}</X509Certificate></X509Data>`,
  });
  signer.addReference({ xpath: byLocalName(element), transforms: [ENVELOPED, C14N], digestAlgorithm: SHA1 });
  // Appended to the parent, so that the Signature is last even if something already follows infNFe.
  signer.computeSignature(xml, { location: { reference: `${byLocalName(element)}/..`, action: 'append' } });
  return signer.getSignedXml();
}

function certificatePemOf(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** The Signature that is a sibling of `element` (in nfeProc, protNFe may carry SEFAZ's own). */
function signatureOf(doc: Document, element: SignedElement): { target?: Element; signature?: Element; problem?: string } {
  const targets = doc.getElementsByTagNameNS('*', element);
  if (targets.length !== 1) return { problem: `the document has ${targets.length} ${element} elements, expected one` };
  const target = targets[0];
  const parent = target.parentNode as Element | null;
  const signatures = Array.from(parent?.childNodes ?? []).filter(
    (node): node is Element => node.nodeType === 1 && (node as Element).localName === 'Signature' && (node as Element).namespaceURI === DSIG_NAMESPACE,
  );
  if (signatures.length === 0) return { target, problem: `the document is not signed: no Signature next to ${element}` };
  if (signatures.length > 1) return { target, problem: `${element} has ${signatures.length} Signature elements next to it, expected one` };
  return { target, signature: signatures[0] };
}

function textOf(parent: Element, localName: string): string | undefined {
  const found = parent.getElementsByTagNameNS(DSIG_NAMESPACE, localName);
  return found.length > 0 ? (found[0].textContent ?? '').trim() : undefined;
}

/**
 * Checks the signature of `element` against the certificate embedded in it: the Reference points
 * at that element's Id, its digest matches the element as it is now, and the SignatureValue is the
 * certificate's. It does not judge the certificate itself (chain, validity, CNPJ): SEFAZ does.
 */
export function verifyNfeSignature(xml: string, element: SignedElement = 'infNFe'): SignatureCheck {
  let doc: Document;
  try {
    const strict = { errorHandler: (level: string, message: unknown) => { if (level !== 'warning') throw new Error(String(message)); } };
    doc = new DOMParser(strict).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (error) {
    return { valid: false, reason: `the XML is not well-formed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { target, signature, problem } = signatureOf(doc, element);
  if (!target || !signature) return { valid: false, reason: problem };
  const certificate = textOf(signature, 'X509Certificate');
  if (!certificate) return { valid: false, reason: 'the Signature has no X509Certificate in KeyInfo' };
  const certificatePem = certificatePemOf(certificate);
  try {
    new X509Certificate(certificatePem);
  } catch {
    return { valid: false, reason: 'the X509Certificate in KeyInfo is not a certificate', certificatePem };
  }
  const references = signature.getElementsByTagNameNS(DSIG_NAMESPACE, 'Reference');
  const id = target.getAttribute('Id');
  if (references.length !== 1 || references[0].getAttribute('URI') !== `#${id}`) {
    return { valid: false, reason: `the signature must have one Reference to #${id}`, certificatePem };
  }
  const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature as unknown as Node);
  try {
    if (verifier.checkSignature(xml)) return { valid: true, certificatePem };
    const failed = verifier.getReferences().find((ref) => ref.validationError);
    const digestChanged = failed?.validationError?.message.includes('calculated digest');
    return {
      valid: false,
      reason: digestChanged ? `${element} changed after it was signed: its digest no longer matches DigestValue` : (failed?.validationError?.message ?? 'the reference did not validate'),
      certificatePem,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = /signature value .* is incorrect/.test(message)
      ? 'the SignatureValue does not match SignedInfo with the embedded certificate (SignedInfo changed, or another key signed)'
      : message;
    return { valid: false, reason, certificatePem };
  }
}

/**
 * The DigestValue of the signature on `element`: what SEFAZ returns as protNFe/infProt/digVal and
 * what the offline NFC-e QR code carries. Undefined when the document is not signed.
 */
export function digestValueOf(xml: string, element: SignedElement = 'infNFe'): string | undefined {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const { signature } = signatureOf(doc, element);
  return signature ? textOf(signature, 'DigestValue') : undefined;
}

/** base64 SHA-1, the digest the signature uses, of a canonical string. */
export function sha1Base64(canonical: string): string {
  return createHash('sha1').update(canonical, 'utf8').digest('base64');
}
