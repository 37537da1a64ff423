/**
 * NF-e / NFC-e events (NFeRecepcaoEvento4, layout 1.00 of the events' NT 2011.006 and MOC 7.0
 * §5): for now the cancellation, tpEvento 110111 (leiauteEventoCancNFe_v1.00.xsd). An authorised
 * note cannot be deleted; its issuer registers a cancellation, within the state's deadline and
 * before the goods leave, naming the authorisation protocol.
 *
 * Output: `<envEvento xmlns=… versao="1.00"><idLote>…</idLote><evento xmlns=… versao="1.00">
 * <infEvento Id="ID110111{chave}01">` cOrgao, tpAmb, CNPJ, chNFe, dhEvento, tpEvento, nSeqEvento,
 * verEvento, detEvento (descEvento, nProt, xJust) — unsigned; `signNfe(xml, cert, 'infEvento')`
 * appends the Signature inside evento. The evento carries its own namespace declaration so that,
 * copied byte for byte into the procEventoNFe, it canonicalizes (and verifies) the same.
 */
import { FiscalDataError } from '../errors';
import type { BuiltEvent, CancellationInput } from '../types';
import { parseAccessKey } from './access-key';
import { checkedCnpj, NFE_NAMESPACE } from './build';
import { brasiliaDateTime, element, layoutText, leaf } from './xml';

export const EVENT_LAYOUT_VERSION = '1.00';
export const CANCELLATION_EVENT = '110111';

// dhEvento's TDateTimeUTC: a local time with an offset of whole hours.
const EVENT_TIME = /^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d[+-](0\d|1[01]):00$/;

/** The envelope of one event: idLote (TIdLote, up to 15 digits). */
function envEvento(evento: string, batchId: string | undefined): string {
  const idLote = batchId ?? String(Date.now()).slice(-15);
  if (!/^\d{1,15}$/.test(idLote)) throw new FiscalDataError('batchId', `batchId must be 1 to 15 digits, got "${idLote}"`);
  return element('envEvento', leaf('idLote', idLote) + evento, { xmlns: NFE_NAMESPACE, versao: EVENT_LAYOUT_VERSION });
}

/** The cancellation (110111) of an authorised note, in its envEvento, unsigned. */
export function buildCancellation(input: CancellationInput): BuiltEvent {
  if (input.environment !== 1 && input.environment !== 2) throw new FiscalDataError('environment', `environment must be 1 (produção) or 2 (homologação), got ${String(input.environment)}`);
  const key = parseAccessKey(input.accessKey);
  const cnpj = checkedCnpj(input.cnpj, 'cnpj');
  // Only the issuer cancels: SEFAZ answers 574 when the author is not the key's CNPJ.
  if (key.issuerDocument !== cnpj) throw new FiscalDataError('cnpj', `the note ${key.key} was issued by ${key.issuerDocument}, not ${cnpj}: only its issuer can cancel it`);
  const protocol = String(input.protocol ?? '');
  if (!/^\d{15}$/.test(protocol)) throw new FiscalDataError('protocol', `protocol must be the 15-digit authorisation protocol (nProt), got "${protocol}"`);
  const at = input.at ?? brasiliaDateTime();
  if (!EVENT_TIME.test(at)) throw new FiscalDataError('at', `at must be a local date and time with its UTC offset, like 2026-11-24T10:15:00-03:00; got "${at}"`);
  const reason = layoutText(input.reason, 'reason', 15, 255);
  const sequence = 1;
  const id = `ID${CANCELLATION_EVENT}${key.key}${String(sequence).padStart(2, '0')}`;
  const detEvento = element('detEvento', leaf('descEvento', 'Cancelamento') + leaf('nProt', protocol) + leaf('xJust', reason), { versao: EVENT_LAYOUT_VERSION });
  const infEvento =
    // cOrgao: the authoriser of the note's UF (the key's first two digits).
    leaf('cOrgao', key.ufCode) +
    leaf('tpAmb', String(input.environment)) +
    leaf('CNPJ', cnpj) +
    leaf('chNFe', key.key) +
    leaf('dhEvento', at) +
    leaf('tpEvento', CANCELLATION_EVENT) +
    leaf('nSeqEvento', String(sequence)) +
    leaf('verEvento', EVENT_LAYOUT_VERSION) +
    detEvento;
  const evento = element('evento', element('infEvento', infEvento, { Id: id }), { xmlns: NFE_NAMESPACE, versao: EVENT_LAYOUT_VERSION });
  return { xml: envEvento(evento, input.batchId), id, type: CANCELLATION_EVENT, sequence };
}
