/**
 * The SEFAZ web services' wire format, layout 4.00: SOAP 1.2 envelopes with the message in
 * `nfeDadosMsg` (no header since 11/2017), the action in the content type, and the answers'
 * `ret*` element read back. Pure functions, shared by the client and the simulator.
 * References: sped-nfe src/Tools.php (messages), sped-common SoapBase (envelope), the XSDs in
 * fiscal/schemas/PL_009_V4.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../../fiscal/nfe/xml';
import type { Environment } from '../../fiscal/types';
import { SERVICE_METHODS, type SefazService } from './endpoints';

export const NFE_NAMESPACE = 'http://www.portalfiscal.inf.br/nfe';
export const LAYOUT_VERSION = '4.00';
const SOAP12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';

export function soapAction(service: SefazService): string {
  return `${NFE_NAMESPACE}/wsdl/${service}/${SERVICE_METHODS[service]}`;
}

/** SOAP 1.2 carries the action as a content-type parameter (there is no SOAPAction header). */
export function soapContentType(service: SefazService): string {
  return `application/soap+xml;charset=utf-8;action="${soapAction(service)}"`;
}

export function soapEnvelope(service: SefazService, message: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${SOAP12_NAMESPACE}">` +
    `<soap:Body><nfeDadosMsg xmlns="${NFE_NAMESPACE}/wsdl/${service}">${message}</nfeDadosMsg></soap:Body></soap:Envelope>`
  );
}

/** The answer's envelope, for the simulator: SEFAZ wraps the `ret*` element in `nfeResultMsg`. */
export function soapResultEnvelope(service: SefazService, result: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP12_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
    `<soap:Body><nfeResultMsg xmlns="${NFE_NAMESPACE}/wsdl/${service}">${result}</nfeResultMsg></soap:Body></soap:Envelope>`
  );
}

export function soapFaultEnvelope(code: 'Sender' | 'Receiver', reason: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP12_NAMESPACE}"><soap:Body><soap:Fault>` +
    `<soap:Code><soap:Value>soap:${code}</soap:Value></soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="en">${escapeXml(reason)}</soap:Text></soap:Reason>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

export function stripXmlDeclaration(xml: string): string {
  return xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '').trim();
}

/** One signed NFe per lote: sync (`indSinc` 1) answers with the protocol, async with a receipt. */
export function enviNFeMessage(signedNfeXml: string, idLote: string, sync: boolean): string {
  return `<enviNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><idLote>${idLote}</idLote><indSinc>${sync ? 1 : 0}</indSinc>${stripXmlDeclaration(signedNfeXml)}</enviNFe>`;
}

export function consReciNFeMessage(environment: Environment, receipt: string): string {
  return `<consReciNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><tpAmb>${environment}</tpAmb><nRec>${receipt}</nRec></consReciNFe>`;
}

export function consSitNFeMessage(environment: Environment, accessKey: string): string {
  return `<consSitNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><tpAmb>${environment}</tpAmb><xServ>CONSULTAR</xServ><chNFe>${accessKey}</chNFe></consSitNFe>`;
}

export function consStatServMessage(environment: Environment, cUF: number): string {
  return `<consStatServ xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><tpAmb>${environment}</tpAmb><cUF>${cUF}</cUF><xServ>STATUS</xServ></consStatServ>`;
}

// Text content stays text: "0001" and "35" must not become numbers.
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, trimValues: true });

export type XmlNode = Record<string, unknown>;

export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

/** The first descendant element with this local name (depth first), or undefined. */
export function findElement(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findElement(item, name);
      if (found) return found;
    }
    return undefined;
  }
  const own = (node as XmlNode)[name];
  if (own !== undefined) return (Array.isArray(own) ? own[0] : own) as XmlNode;
  for (const [key, child] of Object.entries(node as XmlNode)) {
    if (key.startsWith('@')) continue;
    const found = findElement(child, name);
    if (found) return found;
  }
  return undefined;
}

/** A child's text ('' when absent); an element with attributes keeps its text under `#text`. */
export function textOf(node: XmlNode | undefined, name: string): string {
  const value = node?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return '';
  if (typeof first === 'object') return String((first as XmlNode)['#text'] ?? '');
  return String(first);
}

/**
 * Every `<name …>…</name>` in a document, byte for byte. The protocol is merged into the
 * nfeProc as SEFAZ sent it: re-serialising it could change what SEFAZ signed in some states.
 * Only unprefixed elements (what every authoriser sends) and no nesting of the same name.
 */
export function rawElements(xml: string, name: string): string[] {
  return xml.match(new RegExp(`<${name}(?=[\\s>/])[\\s\\S]*?</${name}>`, 'g')) ?? [];
}

export interface SoapAnswer {
  /** The `ret*` element the service answered with, parsed. */
  result?: XmlNode;
  fault?: { code: string; reason: string };
}

/**
 * Reads a SOAP answer: the expected `ret*` element (by default whatever `nfeResultMsg` holds), or
 * the SOAP fault. Neither: not a SEFAZ answer.
 */
export function readSoapAnswer(text: string, resultName = 'nfeResultMsg'): SoapAnswer {
  let doc: XmlNode;
  try {
    doc = parseXml(text);
  } catch {
    return {};
  }
  const fault = findElement(doc, 'Fault');
  if (fault) {
    const code = findElement(fault, 'Code');
    const reason = findElement(fault, 'Reason');
    return { fault: { code: textOf(code, 'Value').replace(/^.*:/, '') || 'Receiver', reason: textOf(reason, 'Text') || textOf(fault, 'faultstring') } };
  }
  const result = findElement(doc, resultName);
  return result ? { result } : {};
}
