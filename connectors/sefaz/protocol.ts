/**
 * What SEFAZ's answers mean: cStat → SefazOutcome, the protocol merged into the nfeProc (the
 * legal artefact), and a plain-words hint per cStat (the texts, in English and pt-BR, are in
 * hints.ts).
 */
import { ValidationError } from '../http/errors';
import { CSTAT_HINTS, SEFAZ_FALLBACK_HINTS } from './hints';
import { digestValueOf } from '../../fiscal/nfe/sign';
import type { EventOutcome, InutilizationOutcome, SefazOutcome } from '../../fiscal/types';
import { findElement, LAYOUT_VERSION, NFE_NAMESPACE, parseXml, rawElements, stripXmlDeclaration, textOf, type XmlNode } from './soap';

const AUTHORIZED = new Set(['100', '150']);
// 205: the note is already denied at SEFAZ (an earlier send was denied): its number is spent too.
const DENIED = new Set(['110', '205', '301', '302', '303']);
const DUPLICATE = new Set(['204', '539']);
// 999 is what several authorisers answer for an unexpected internal error.
const UNAVAILABLE = new Set(['108', '109', '999', '656']);

export function outcomeKind(cStat: string): SefazOutcome['kind'] {
  if (AUTHORIZED.has(cStat)) return 'authorized';
  if (DENIED.has(cStat)) return 'denied';
  if (DUPLICATE.has(cStat)) return 'duplicate';
  if (UNAVAILABLE.has(cStat)) return 'unavailable';
  return 'rejected';
}

/** An outcome from a cStat and its xMotivo; for 204/539 the key and protocol SEFAZ names in xMotivo are kept. */
export function outcomeOf(cStat: string, reason: string, accessKey?: string): SefazOutcome {
  const outcome: SefazOutcome = { kind: outcomeKind(cStat), cStat, reason, ...(accessKey ? { accessKey } : {}) };
  if (outcome.kind === 'duplicate') {
    // e.g. "Duplicidade de NF-e com diferença na Chave de Acesso [chNFe: 3524…][nRec:…]" or "[nProt:135…][dhAut:…]".
    const key = /chNFe:\s*(\d{44})/.exec(reason)?.[1];
    const protocol = /nProt:\s*(\d{15})/.exec(reason)?.[1];
    const at = /dhAut:\s*([^\]\s]+)/.exec(reason)?.[1];
    if (key) outcome.accessKey = key;
    if (protocol) outcome.protocol = protocol;
    if (at) outcome.receivedAt = at;
  }
  return outcome;
}

/** The outcome a `<protNFe>` carries; its raw text is kept for the nfeProc. */
export function outcomeOfProtocol(protNFeXml: string): SefazOutcome {
  const infProt = findElement(parseXml(protNFeXml), 'infProt');
  const cStat = textOf(infProt, 'cStat');
  const outcome = outcomeOf(cStat, textOf(infProt, 'xMotivo'), textOf(infProt, 'chNFe') || undefined);
  const protocol = textOf(infProt, 'nProt');
  const receivedAt = textOf(infProt, 'dhRecbto');
  if (protocol) outcome.protocol = protocol;
  if (receivedAt && !outcome.receivedAt) outcome.receivedAt = receivedAt;
  if (outcome.kind === 'authorized' || outcome.kind === 'denied') outcome.protNFeXml = protNFeXml;
  return outcome;
}

/** The access key (the `infNFe` Id without "NFe") and the DigestValue of a signed NF-e. */
export function signedNfeFacts(signedNfeXml: string): { accessKey: string; digestValue: string } {
  const id = String(findElement(parseXml(signedNfeXml), 'infNFe')?.['@Id'] ?? '');
  return { accessKey: id.replace(/^NFe/, ''), digestValue: digestValueOf(signedNfeXml) ?? '' };
}

// The protocol of a denied note is a legal record too, so it is merged like an authorisation (sped-nfe does the same).
const MERGEABLE = new Set([...AUTHORIZED, ...DENIED]);

/**
 * The nfeProc (procNFe_v4.00.xsd): the signed NFe and SEFAZ's protNFe side by side, both
 * byte for byte, so the signature and digVal still verify. Refuses a protocol of another
 * note, of another version of this note (digVal ≠ the DigestValue signed) or a rejection.
 */
export function mergeProtocol(signedNfeXml: string, protNFeXml: string): string {
  const nfe = stripXmlDeclaration(signedNfeXml);
  if (!/^<NFe[\s>]/.test(nfe)) throw new ValidationError('mergeProtocol: the signed XML must be one <NFe> element');
  const prot = stripXmlDeclaration(protNFeXml);
  const { accessKey, digestValue } = signedNfeFacts(nfe);
  const infProt: XmlNode | undefined = findElement(parseXml(prot), 'infProt');
  if (!infProt) throw new ValidationError('mergeProtocol: the protocol has no <infProt>');
  const cStat = textOf(infProt, 'cStat');
  if (!MERGEABLE.has(cStat)) throw new ValidationError(`mergeProtocol: the protocol is not an authorisation (cStat ${cStat}: ${textOf(infProt, 'xMotivo')})`);
  if (textOf(infProt, 'chNFe') !== accessKey) throw new ValidationError(`mergeProtocol: the protocol is of NF-e ${textOf(infProt, 'chNFe')}, not ${accessKey}`);
  const digVal = textOf(infProt, 'digVal');
  if (digVal && digVal !== digestValue) {
    throw new ValidationError(`mergeProtocol: SEFAZ authorised another version of NF-e ${accessKey} (digVal ${digVal}, this XML's DigestValue ${digestValue}): use the XML that was sent`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${nfe}${prot}</nfeProc>`;
}

/** retInutNFe's cStat: 102 homologated; 563 the same range was voided before (void all the same). */
export function inutilizationKind(cStat: string): InutilizationOutcome['kind'] {
  if (cStat === '102') return 'voided';
  if (cStat === '563') return 'duplicate';
  if (UNAVAILABLE.has(cStat)) return 'unavailable';
  return 'rejected';
}

// 155: a cancellation SEFAZ accepted after the deadline (with a penalty in some states): registered all the same.
const EVENT_REGISTERED = new Set(['135', '136', '155']);

/** retEvento's cStat: 135/136/155 registered; 573 the same event (type and sequence) was registered before. */
export function eventKind(cStat: string): EventOutcome['kind'] {
  if (EVENT_REGISTERED.has(cStat)) return 'registered';
  if (cStat === '573') return 'duplicate';
  if (UNAVAILABLE.has(cStat)) return 'unavailable';
  return 'rejected';
}

/** The one `<name>` of a signed request, byte for byte, or a ValidationError naming what is missing. */
function signedElement(xml: string, name: string, what: string): string {
  const [found] = rawElements(stripXmlDeclaration(xml), name);
  if (!found) throw new ValidationError(`${what}: the XML has no <${name}>`);
  return found;
}

/**
 * The procInutNFe (procInutNFe_v4.00.xsd): the signed inutNFe and SEFAZ's retInutNFe side by
 * side, byte for byte, so the signature still verifies. Only a homologated (102) answer is kept.
 */
export function inutilizationProc(signedInutXml: string, retInutNFeXml: string): string {
  const request = signedElement(signedInutXml, 'inutNFe', 'inutilizationProc');
  const answer = stripXmlDeclaration(retInutNFeXml);
  const cStat = textOf(findElement(parseXml(answer), 'infInut'), 'cStat');
  if (cStat !== '102') throw new ValidationError(`inutilizationProc: SEFAZ did not homologate the voiding (cStat ${cStat})`);
  return `<?xml version="1.0" encoding="UTF-8"?><ProcInutNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${request}${answer}</ProcInutNFe>`;
}

/**
 * The procEventoNFe: the signed evento (taken out of its envEvento) and SEFAZ's retEvento, byte
 * for byte. Refuses an answer about another note or event, or one that registered nothing.
 */
export function eventProc(signedEventXml: string, retEventoXml: string): string {
  const evento = signedElement(signedEventXml, 'evento', 'eventProc');
  const answer = stripXmlDeclaration(retEventoXml);
  const sent = findElement(parseXml(evento), 'infEvento');
  const got = findElement(parseXml(answer), 'infEvento');
  const cStat = textOf(got, 'cStat');
  if (!EVENT_REGISTERED.has(cStat)) throw new ValidationError(`eventProc: SEFAZ did not register the event (cStat ${cStat}: ${textOf(got, 'xMotivo')})`);
  for (const field of ['chNFe', 'tpEvento']) {
    if (textOf(got, field) && textOf(got, field) !== textOf(sent, field)) throw new ValidationError(`eventProc: the answer is about ${field} ${textOf(got, field)}, not ${textOf(sent, field)}`);
  }
  const version = String(findElement(parseXml(evento), 'evento')?.['@versao'] ?? '1.00');
  return `<?xml version="1.0" encoding="UTF-8"?><procEventoNFe xmlns="${NFE_NAMESPACE}" versao="${version}">${evento}${answer}</procEventoNFe>`;
}

/** The hint code of a cStat: its own entry, or the fixed hint for a rejection or an unknown answer. */
export function cstatHintCode(cStat: string): string {
  if (Object.hasOwn(CSTAT_HINTS, cStat)) return `sefaz.${cStat}`;
  return outcomeKind(cStat) === 'rejected' ? 'sefaz.rejected' : 'sefaz.other';
}

/** What a cStat means and what to do, in plain words (English: logs, exports, tickets). */
export function cstatHint(cStat: string): string {
  return Object.hasOwn(CSTAT_HINTS, cStat) ? CSTAT_HINTS[cStat].en : SEFAZ_FALLBACK_HINTS[outcomeKind(cStat) === 'rejected' ? 'rejected' : 'other'].en;
}

/** The hint of an outcome row or a refusal: the English text and the code screens translate. */
export function cstatHintOf(cStat: string): { hint: string; hintCode: string } {
  return { hint: cstatHint(cStat), hintCode: cstatHintCode(cStat) };
}
