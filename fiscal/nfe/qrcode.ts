/**
 * The NFC-e's QR code, version 2 (Manual de Especificações Técnicas do DANFE NFC-e e QR Code,
 * v5.0, §3; NT 2016.002 v1.60), and the infNFeSupl group that carries it.
 *
 *   online  (tpEmis 1): {url}?p={chave}|2|{tpAmb}|{cscId}|{hash}
 *   offline (tpEmis 9): {url}?p={chave}|2|{tpAmb}|{day of dhEmi}|{vNF}|{hex of DigestValue}|{cscId}|{hash}
 *
 * cscId is the CSC's identifier without leading zeros ("000001" → 1); the hash is the uppercase
 * hex SHA-1 of everything after "p=" followed by the CSC itself, which never appears in the code.
 * The hex of DigestValue is of its base64 text (28 characters → 56 hex digits), as the schema's
 * pattern for the offline code expects.
 *
 * infNFeSupl sits between infNFe and Signature, outside what is signed, so it is added to the
 * signed document without touching the signature.
 */
import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { FiscalDataError } from '../errors';
import { DSIG_NAMESPACE } from './sign';
import { element, escapeText, layoutText, leaf } from './xml';

export interface NfceQrCodeInput {
  /** The UF's QR-code consultation address for the environment (sped-nfe storage/wsnfe_4.00_mod65.xml, NfeConsultaQR). */
  url: string;
  /** 44 digits. */
  accessKey: string;
  /** tpAmb: 1 produção, 2 homologação. */
  environment: 1 | 2;
  /** The CSC's identifier as SEFAZ issued it, e.g. "000001". */
  cscId: string | number;
  /** The CSC (Código de Segurança do Contribuinte); it is hashed, never written. */
  csc: string;
  /** Only for an offline NFC-e (tpEmis 9, the key's 35th digit): dhEmi, vNF and the signature's DigestValue. */
  offline?: { issuedAt: string; total: number | string; digestValue: string };
}

/** The QR code's text (the URL the consumer's phone opens). */
export function nfceQrCode(input: NfceQrCodeInput): string {
  const { accessKey } = input;
  if (typeof accessKey !== 'string' || !/^\d{44}$/.test(accessKey)) throw new FiscalDataError('accessKey', `accessKey must have 44 digits, got "${accessKey}"`);
  if (input.environment !== 1 && input.environment !== 2) throw new FiscalDataError('environment', `environment must be 1 or 2, got ${input.environment}`);
  const cscIdText = String(input.cscId ?? '').trim();
  if (!/^\d{1,6}$/.test(cscIdText) || Number(cscIdText) === 0) throw new FiscalDataError('cscId', `cscId must be the CSC's number (up to 6 digits, e.g. "000001"), got "${input.cscId}"`);
  const csc = String(input.csc ?? '').trim();
  if (csc === '') throw new FiscalDataError('csc', 'csc (the CSC token SEFAZ issued) is required for the NFC-e QR code');
  const url = String(input.url ?? '').trim();
  if (!/^https?:\/\//i.test(url)) throw new FiscalDataError('url', `url must be the UF's QR-code consultation address (http… or https…), got "${input.url}"`);
  const cscId = String(Number(cscIdText));

  let fields: string[];
  if (accessKey[34] === '9') {
    const offline = input.offline;
    if (!offline) throw new FiscalDataError('offline', 'an offline NFC-e (tpEmis 9) needs offline.issuedAt, offline.total and offline.digestValue in its QR code');
    const day = /^\d{4}-\d{2}-(\d{2})T/.exec(offline.issuedAt)?.[1];
    if (!day) throw new FiscalDataError('offline.issuedAt', `offline.issuedAt must be dhEmi (2026-11-24T10:15:00-03:00), got "${offline.issuedAt}"`);
    const total = Number(offline.total);
    if (!Number.isFinite(total) || total < 0) throw new FiscalDataError('offline.total', `offline.total must be vNF, got "${offline.total}"`);
    if (!/^[A-Za-z0-9+/]{27}=$/.test(offline.digestValue)) throw new FiscalDataError('offline.digestValue', `offline.digestValue must be the signature's SHA-1 DigestValue (28 base64 characters), got "${offline.digestValue}"`);
    fields = [accessKey, '2', String(input.environment), day, total.toFixed(2), Buffer.from(offline.digestValue, 'ascii').toString('hex'), cscId];
  } else {
    fields = [accessKey, '2', String(input.environment), cscId];
  }
  const payload = fields.join('|');
  const hash = createHash('sha1').update(payload + csc, 'utf8').digest('hex').toUpperCase();
  return `${url.includes('?p=') ? url : `${url}?p=`}${payload}|${hash}`;
}

function firstText(doc: Document, namespace: string, localName: string): string | undefined {
  const found = doc.getElementsByTagNameNS(namespace, localName);
  return found.length > 0 ? (found[0].textContent ?? '').trim() : undefined;
}

/** The QR code of a signed NFC-e, its key, tpAmb, dhEmi, vNF and DigestValue read from the XML. */
export function nfceQrCodeOf(signedXml: string, settings: Pick<NfceQrCodeInput, 'url' | 'cscId' | 'csc'>): string {
  const doc = new DOMParser().parseFromString(signedXml, 'text/xml') as unknown as Document;
  const nfe = 'http://www.portalfiscal.inf.br/nfe';
  const infNFe = doc.getElementsByTagNameNS(nfe, 'infNFe')[0];
  if (!infNFe) throw new FiscalDataError('xml', 'the document has no infNFe');
  if (firstText(doc, nfe, 'mod') !== '65') throw new FiscalDataError('xml', 'only an NFC-e (model 65) has a QR code');
  const accessKey = (infNFe.getAttribute('Id') ?? '').replace(/^NFe/, '');
  const digestValue = firstText(doc, DSIG_NAMESPACE, 'DigestValue');
  if (!digestValue) throw new FiscalDataError('xml', 'sign the NFC-e before making its QR code');
  return nfceQrCode({
    ...settings,
    accessKey,
    environment: Number(firstText(doc, nfe, 'tpAmb')) as 1 | 2,
    offline: { issuedAt: firstText(doc, nfe, 'dhEmi') ?? '', total: firstText(doc, nfe, 'vNF') ?? '', digestValue },
  });
}

/**
 * Inserts `<infNFeSupl><qrCode>…</qrCode><urlChave>…</urlChave></infNFeSupl>` between infNFe and
 * Signature of a signed NFC-e. `urlChave` is the UF's consultation-by-key address
 * (sped-nfe storage/uri_consulta_nfce.json).
 */
export function addNfceSupplement(signedXml: string, supplement: { qrCode: string; urlChave: string }): string {
  const end = signedXml.indexOf('</infNFe>');
  if (end === -1) throw new FiscalDataError('xml', 'the document has no infNFe');
  if (signedXml.includes('<infNFeSupl')) throw new FiscalDataError('xml', 'the document already has infNFeSupl');
  if (!signedXml.slice(end).startsWith('</infNFe><Signature')) throw new FiscalDataError('xml', 'sign the NFC-e first: infNFeSupl goes between infNFe and its Signature');
  const qrCode = String(supplement.qrCode ?? '').trim();
  if (qrCode.length < 100 || qrCode.length > 600) throw new FiscalDataError('qrCode', `qrCode must be the QR code's URL (100 to 600 characters), got ${qrCode.length}`);
  const urlChave = layoutText(supplement.urlChave, 'urlChave', 21, 85);
  const group = element('infNFeSupl', `<qrCode>${escapeText(qrCode)}</qrCode>${leaf('urlChave', urlChave)}`);
  const at = end + '</infNFe>'.length;
  return signedXml.slice(0, at) + group + signedXml.slice(at);
}
