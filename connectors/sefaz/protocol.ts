/**
 * What SEFAZ's answers mean: cStat → SefazOutcome, the protocol merged into the nfeProc (the
 * legal artefact), and a plain-words hint for the codes sellers meet most (sped-nfe
 * storage/cstat.json and the research notes' A1.5 table).
 */
import { ValidationError } from '../http/errors';
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

const HINTS: Record<string, string> = {
  '100': 'Authorised: the NF-e is valid. Keep the nfeProc XML (signed note plus protocol) for at least 5 years.',
  '150': 'Authorised after the deadline: valid, but SEFAZ recorded that it was sent late.',
  '101': 'The NF-e is cancelled at SEFAZ: it has no fiscal value any more. Keep the cancellation\'s procEventoNFe with the nfeProc.',
  '102': 'The numbers are voided (inutilização homologada): the gap in the sequence is accounted for. Keep the procInutNFe XML.',
  '103': 'SEFAZ received the batch and will process it: ask for the result with the receipt (nRec) after tMed seconds.',
  '104': 'SEFAZ processed the batch: the result of each note is in its protocol.',
  '105': 'SEFAZ is still processing the batch: ask again after tMed seconds.',
  '106': 'SEFAZ does not know this receipt (nRec): it expired or is from another authoriser. Consult the note by its access key.',
  '107': 'The SEFAZ service is working.',
  '108': 'The SEFAZ service is briefly down. Retried later; if it lasts, consider contingency (SVC for NF-e, offline for NFC-e).',
  '109': 'The SEFAZ service is down with no forecast. Use contingency (SVC-AN/SVC-RS for NF-e, offline for NFC-e) or wait.',
  '110': 'Use denied: SEFAZ refused the note for a tax irregularity and its number is spent. Talk to the accountant.',
  '128': 'SEFAZ processed the batch of events: the result of each event is in its retEvento.',
  '135': 'Event registered and linked to the NF-e: for a cancellation, the note is cancelled. Keep the procEventoNFe XML.',
  '136': 'Event registered, but not linked to the NF-e (SEFAZ could not find the note at that moment): it is valid all the same.',
  '155': 'Cancellation accepted after the deadline: the note is cancelled, but the state may charge a fine for the late cancellation.',
  '204': 'This NF-e was already authorised earlier: the protocol is recovered by consulting the access key.',
  '205': 'This NF-e is denied at SEFAZ: its number is spent.',
  '206': 'This number was voided (inutilizado) at SEFAZ: an invoice cannot use it. Issue the order with a new number.',
  '213': 'The certificate belongs to another company: its CNPJ base differs from the issuer\'s (emit/CNPJ). Use the A1 certificate of the issuing company.',
  '215': 'The XML breaks the NF-e schema: the message names the field. Fix the data (often a field too long, empty or with a forbidden character).',
  '217': 'SEFAZ has no NF-e with this access key: it was never authorised, so it can be sent (again).',
  '218': 'The NF-e is already cancelled at SEFAZ.',
  '222': 'The authorisation protocol (nProt) in the cancellation is not the one SEFAZ recorded for this NF-e: consult the key and use its protocol.',
  '224': 'The range of numbers to void ends before it starts: swap the first and last numbers.',
  '225': 'The batch breaks the schema: the message names the field. Usually a field of the note with the wrong format or length.',
  '226': 'The note\'s UF (cUF) is not the authoriser\'s: check the connection\'s UF setting.',
  '228': 'The issue date is too old: issue a new note with the current date.',
  '230': 'The issuer\'s IE is not registered at this SEFAZ: check the IE in the connection settings.',
  '231': 'The issuer\'s IE does not belong to its CNPJ: check the IE and CNPJ in the connection settings.',
  '233': 'The recipient\'s IE is not registered at SEFAZ: fix the customer\'s IE or mark them as not a contributor (indIEDest 9).',
  '236': 'The access key\'s check digit is wrong: the note must be built again.',
  '239': 'SEFAZ does not accept this layout version: update Ponte.',
  '241': 'A number of the range was used by an invoice SEFAZ authorised or denied: only numbers never used can be voided. Void a range without it (an authorised invoice is cancelled instead).',
  '245': 'The issuer\'s CNPJ is not registered at this SEFAZ (or not enabled to issue NF-e): check the CNPJ and the UF.',
  '252': 'The note\'s environment (tpAmb) is not this web service\'s: a homologação note sent to produção or the other way round. Check the connection\'s environment.',
  '253': 'The access key\'s check digit is wrong: the note must be built again.',
  '256': 'Part of the range is voided at SEFAZ already: void only the numbers that are not.',
  '280': 'SEFAZ refused the TLS certificate: it must be an ICP-Brasil A1 certificate (e-CNPJ) that is valid and not revoked.',
  '281': 'The TLS certificate is expired: renew the A1 certificate.',
  '297': 'The signature does not match the content: the XML was changed after signing. Sign again and send the signed XML untouched.',
  '298': 'The signature does not follow SEFAZ\'s standard (algorithms, reference or namespace prefix): sign again with Ponte.',
  '301': 'Use denied for the issuer\'s tax irregularity: the number is spent. Talk to the accountant.',
  '302': 'Use denied for the recipient\'s tax irregularity: the number is spent.',
  '303': 'Use denied: the recipient may not operate in the UF. The number is spent.',
  '373': 'In homologação the first item of an NFC-e must be described as "NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
  '386': 'The CFOP is not allowed for the CSOSN of an item: check the item\'s tax rules.',
  '394': 'The NFC-e has no QR code: check the CSC and CSC id of the connection.',
  '402': 'The XML is not UTF-8.',
  '404': 'The XML uses a namespace prefix (such as ds:) that SEFAZ forbids: sign again with Ponte.',
  '462': 'SEFAZ does not know the CSC id: check the CSC id (and that it is the one for this environment).',
  '464': 'The QR code hash is wrong: check the CSC token in the connection (homologação and produção have different CSCs).',
  '494': 'SEFAZ has no NF-e with this access key: an event needs an authorised note.',
  '501': 'The cancellation deadline has passed (24 hours for an NF-e in most states, 30 minutes for an NFC-e): the note can no longer be cancelled this way. Talk to the accountant (a return invoice, or the state\'s late-cancellation procedure).',
  '502': 'The access key does not match the note\'s fields (UF, date, CNPJ, model, series, number, cNF): the note must be built again.',
  '532': 'The ICMS total differs from the sum of the items: the totals must be recomputed.',
  '533': 'The ICMS-ST base total differs from the sum of the items: the totals must be recomputed.',
  '534': 'The ICMS-ST total differs from the sum of the items: the totals must be recomputed.',
  '535': 'The freight total differs from the sum of the items: the totals must be recomputed.',
  '539': 'This number (series and nNF) was already authorised with another access key: consult that key, or use a new number.',
  '563': 'This same range was voided before: its numbers are already void at SEFAZ.',
  '564': 'The products total differs from the sum of the items: the totals must be recomputed.',
  '572': 'The event\'s Id does not match its fields (tpEvento, key, sequence): build the event again with Ponte.',
  '573': 'SEFAZ has already registered this event for the note: for a cancellation, the note is cancelled already.',
  '574': 'Only the note\'s issuer can register this event: the event\'s CNPJ is not the one in the access key.',
  '580': 'The event needs an authorised NF-e: the note is not authorised (or is already cancelled or denied).',
  '591': 'A CSOSN was given but the issuer is not in Simples Nacional: check the tax regime (CRT) in the connection settings.',
  '598': 'In homologação the recipient\'s name must be "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
  '610': 'The note\'s total (vNF) differs from the sum of its parts: the totals must be recomputed.',
  '629': 'An item\'s value differs from quantity × unit price: check the item\'s rounding.',
  '656': 'Consumo indevido: SEFAZ blocked this CNPJ for sending too often (usually for an hour). Do not resend; wait and consult the key.',
  '703': 'The issue time is later than SEFAZ\'s clock: check the server\'s clock and time zone.',
  '704': 'The NFC-e was issued too long ago: issue it again with the current time, or in offline contingency.',
  '778': 'An item\'s NCM does not exist: fix the product\'s NCM.',
  '999': 'SEFAZ failed unexpectedly. Retried later.',
};

/** What a cStat means and what to do, in plain words. */
export function cstatHint(cStat: string): string {
  return (
    HINTS[cStat] ??
    (outcomeKind(cStat) === 'rejected' ? 'SEFAZ rejected the note: read its message (xMotivo), fix the data it names and send again.' : `SEFAZ answered ${cStat}.`)
  );
}
