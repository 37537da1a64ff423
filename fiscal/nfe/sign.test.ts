import { createHash, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../testing/certificates';
import { simplesNacionalNfe } from '../testing/samples';
import type { A1Certificate } from '../types';
import { buildNfe, NFE_NAMESPACE } from './build';
import { certificateBase64, readA1 } from './certificate';
import { digestValueOf, DSIG_NAMESPACE, signNfe, verifyNfeSignature } from './sign';

let cert: A1Certificate;
let otherCert: A1Certificate;

beforeAll(() => {
  const ca = createTestCa();
  cert = readA1(ca.issueA1({ cnpj: '58716523000119', name: 'LOJA EXEMPLO LTDA', password: 'p', legacyRc2: true }).pfxBase64, 'p');
  otherCert = readA1(ca.issueA1({ cnpj: '58716523000119', name: 'LOJA EXEMPLO LTDA', password: 'p' }).pfxBase64, 'p');
});

/**
 * infNFe of the fixed sample in its canonical form (inclusive C14N 1.0): the builder writes it
 * canonical already, so only the namespace declaration it inherits from NFe is added.
 */
function canonicalInfNFe(unsignedXml: string): string {
  const start = unsignedXml.indexOf('<infNFe ');
  const end = unsignedXml.indexOf('</infNFe>') + '</infNFe>'.length;
  return unsignedXml.slice(start, end).replace('<infNFe ', `<infNFe xmlns="${NFE_NAMESPACE}" `);
}

function signatureElement(xml: string): Element {
  return new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS(DSIG_NAMESPACE, 'Signature')[0];
}

describe('signNfe', () => {
  it('appends an unprefixed enveloped Signature as the last child of NFe, infNFe untouched', () => {
    const built = buildNfe(simplesNacionalNfe());
    const signed = signNfe(built.xml, cert);
    const body = built.xml.slice(0, -'</NFe>'.length);
    expect(signed.startsWith(`${body}<Signature xmlns="${DSIG_NAMESPACE}">`)).toBe(true);
    expect(signed.endsWith('</Signature></NFe>')).toBe(true);
    expect(signed).not.toContain('ds:');
  });

  it('uses the algorithms SEFAZ checks: C14N 1.0, RSA-SHA1, SHA-1, one Reference to #NFe… with enveloped + C14N', () => {
    const built = buildNfe(simplesNacionalNfe());
    const signature = signatureElement(signNfe(built.xml, cert));
    const attr = (name: string, attribute = 'Algorithm') => Array.from(signature.getElementsByTagNameNS(DSIG_NAMESPACE, name)).map((n) => (n as Element).getAttribute(attribute));
    expect(attr('CanonicalizationMethod')).toEqual(['http://www.w3.org/TR/2001/REC-xml-c14n-20010315']);
    expect(attr('SignatureMethod')).toEqual(['http://www.w3.org/2000/09/xmldsig#rsa-sha1']);
    expect(attr('Reference', 'URI')).toEqual([`#NFe${built.accessKey}`]);
    expect(attr('Transform')).toEqual(['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315']);
    expect(attr('DigestMethod')).toEqual(['http://www.w3.org/2000/09/xmldsig#sha1']);
    const x509 = signature.getElementsByTagNameNS(DSIG_NAMESPACE, 'X509Certificate')[0].textContent as string;
    expect(x509).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(x509).toBe(certificateBase64(cert.certPem));
    expect(new X509Certificate(Buffer.from(x509, 'base64')).subject).toContain('LOJA EXEMPLO LTDA:58716523000119');
  });

  it('refuses a document already signed or without the element', () => {
    const signed = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    expect(() => signNfe(signed, cert)).toThrow(/already signed/);
    expect(() => signNfe(`<NFe xmlns="${NFE_NAMESPACE}"/>`, cert)).toThrow(/exactly one infNFe/);
  });

  it('signs an event the same way, with infEvento as the element', () => {
    const key = buildNfe(simplesNacionalNfe()).accessKey;
    const event =
      `<evento xmlns="${NFE_NAMESPACE}" versao="1.00"><infEvento Id="ID110111${key}01"><cOrgao>35</cOrgao><tpAmb>2</tpAmb>` +
      `<CNPJ>58716523000119</CNPJ><chNFe>${key}</chNFe><dhEvento>2026-11-24T11:00:00-03:00</dhEvento><tpEvento>110111</tpEvento>` +
      `<nSeqEvento>1</nSeqEvento><verEvento>1.00</verEvento><detEvento versao="1.00"><descEvento>Cancelamento</descEvento>` +
      `<nProt>135260000000001</nProt><xJust>Pedido cancelado pelo cliente</xJust></detEvento></infEvento></evento>`;
    const signed = signNfe(event, cert, 'infEvento');
    expect(signed.endsWith('</Signature></evento>')).toBe(true);
    expect(signed).toContain(`<Reference URI="#ID110111${key}01">`);
    expect(verifyNfeSignature(signed, 'infEvento')).toMatchObject({ valid: true });
  });
});

describe('verifyNfeSignature', () => {
  it('accepts what signNfe produced and returns the signing certificate', () => {
    const signed = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    const check = verifyNfeSignature(signed);
    expect(check.valid).toBe(true);
    expect(check.reason).toBeUndefined();
    expect(new X509Certificate(check.certificatePem as string).fingerprint256).toBe(new X509Certificate(cert.certPem).fingerprint256);
  });

  it('fails when one character of infNFe changes after signing', () => {
    const signed = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    const tampered = signed.replace('<vProd>59.70</vProd>', '<vProd>59.71</vProd>');
    expect(tampered).not.toBe(signed);
    expect(verifyNfeSignature(tampered)).toMatchObject({ valid: false, reason: 'infNFe changed after it was signed: its digest no longer matches DigestValue' });
    // Whitespace counts too: pretty-printing a signed NF-e breaks it (SEFAZ 297).
    expect(verifyNfeSignature(signed.replace('<ide>', '<ide>\n  ')).valid).toBe(false);
  });

  it('fails when the SignatureValue or the certificate is not the signer\'s', () => {
    const signed = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    const value = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(signed)?.[1] as string;
    const flipped = signed.replace(value, (value[0] === 'A' ? 'B' : 'A') + value.slice(1));
    expect(verifyNfeSignature(flipped)).toMatchObject({ valid: false });
    expect(verifyNfeSignature(flipped).reason).toMatch(/SignatureValue does not match/);
    const swapped = signed.replace(certificateBase64(cert.certPem), certificateBase64(otherCert.certPem));
    expect(verifyNfeSignature(swapped).reason).toMatch(/SignatureValue does not match/);
  });

  it('fails, saying why, for an unsigned document and a reference to another element', () => {
    const built = buildNfe(simplesNacionalNfe());
    expect(verifyNfeSignature(built.xml)).toEqual({ valid: false, reason: 'the document is not signed: no Signature next to infNFe' });
    const signed = signNfe(built.xml, cert);
    expect(verifyNfeSignature(signed.replace(`URI="#NFe${built.accessKey}"`, 'URI="#other"')).reason).toBe(`the signature must have one Reference to #NFe${built.accessKey}`);
    expect(verifyNfeSignature('<NFe>').valid).toBe(false);
  });
});

describe('DigestValue', () => {
  // The digest of the fixed sample (homologation Simples Nacional NF-e, cNF 20481632): it changes
  // only if the builder's output for that input changes, which then must be deliberate.
  const PINNED_DIGEST = 'SLcLmbVpgM4lsvWQG+fYTwHTy0Y=';

  it('is SHA-1 of the canonical infNFe: stable for a fixed document, whatever the key', () => {
    const built = buildNfe(simplesNacionalNfe());
    const expected = createHash('sha1').update(canonicalInfNFe(built.xml), 'utf8').digest('base64');
    expect(expected).toBe(PINNED_DIGEST);
    expect(digestValueOf(signNfe(built.xml, cert))).toBe(PINNED_DIGEST);
    expect(digestValueOf(signNfe(built.xml, otherCert))).toBe(PINNED_DIGEST);
  });

  it('signs deterministically: the same document and key give the same bytes', () => {
    const built = buildNfe(simplesNacionalNfe());
    expect(signNfe(built.xml, cert)).toBe(signNfe(built.xml, cert));
  });

  it('is undefined for an unsigned document', () => {
    expect(digestValueOf(buildNfe(simplesNacionalNfe()).xml)).toBeUndefined();
  });
});
