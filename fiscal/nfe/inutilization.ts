/**
 * The request to void ("inutilizar") a range of NF-e / NFC-e numbers that were never used
 * (NFeInutilizacao4, leiauteInutNFe_v4.00.xsd, MOC 7.0 §4.5): a rejected invoice's number whose
 * order will not be invoiced, or a gap in the sequence. Numbering must have no unexplained gaps,
 * and SEFAZ only knows a number is void once it homologates such a request (cStat 102).
 *
 * Output: `<inutNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><infInut Id="ID…">`
 * tpAmb, xServ INUTILIZAR, cUF, ano, CNPJ, mod, serie, nNFIni, nNFFin, xJust — unsigned; the
 * signer appends the Signature after infInut (`signNfe(xml, cert, 'infInut')`).
 */
import { FiscalDataError } from '../errors';
import type { BuiltInutilization, InutilizationInput } from '../types';
import { ufCode } from './access-key';
import { checkedCnpj, NFE_LAYOUT_VERSION, NFE_NAMESPACE } from './build';
import { brasiliaDateTime, element, layoutText, leaf, wholeNumber } from './xml';

export function buildInutilization(input: InutilizationInput): BuiltInutilization {
  if (input.environment !== 1 && input.environment !== 2) throw new FiscalDataError('environment', `environment must be 1 (produção) or 2 (homologação), got ${String(input.environment)}`);
  if (input.model !== 55 && input.model !== 65) throw new FiscalDataError('model', `model must be 55 or 65, got ${String(input.model)}`);
  const cUF = ufCode(input.uf, 'uf');
  const cnpj = checkedCnpj(input.cnpj, 'cnpj');
  const series = wholeNumber(input.series, 'series', 0, 999);
  const from = wholeNumber(input.from, 'from', 1, 999_999_999);
  const to = wholeNumber(input.to, 'to', 1, 999_999_999);
  // SEFAZ answers 224 to a reversed range; saying so here names the fields.
  if (from > to) throw new FiscalDataError('to', `the range ends (${to}) before it starts (${from})`);
  const year = input.year === undefined ? Number(brasiliaDateTime().slice(0, 4)) : wholeNumber(input.year, 'year', 0, 9999);
  const ano = String(year % 100).padStart(2, '0');
  const reason = layoutText(input.reason, 'reason', 15, 255);
  const id = `ID${cUF}${ano}${cnpj}${input.model}${String(series).padStart(3, '0')}${String(from).padStart(9, '0')}${String(to).padStart(9, '0')}`;
  const infInut =
    leaf('tpAmb', String(input.environment)) +
    leaf('xServ', 'INUTILIZAR') +
    leaf('cUF', cUF) +
    leaf('ano', ano) +
    leaf('CNPJ', cnpj) +
    leaf('mod', String(input.model)) +
    leaf('serie', String(series)) +
    leaf('nNFIni', String(from)) +
    leaf('nNFFin', String(to)) +
    leaf('xJust', reason);
  return { xml: element('inutNFe', element('infInut', infInut, { Id: id }), { xmlns: NFE_NAMESPACE, versao: NFE_LAYOUT_VERSION }), id };
}
