/**
 * For tests: an authorised nfeProc made the way production makes one, offline. The document is
 * built and signed by the fiscal library (an NFC-e also gets its QR code), and the protocol is a
 * protNFe shaped like the SEFAZ simulator's (connectors/sefaz/simulator), merged by the same
 * mergeProtocol the emit-nf node uses.
 */
import { mergeProtocol } from '../../connectors/sefaz/protocol';
import { buildNfe } from '../nfe/build';
import { addNfceSupplement, nfceQrCodeOf } from '../nfe/qrcode';
import { digestValueOf, signNfe } from '../nfe/sign';
import type { A1Certificate, NfeInput } from '../types';

/** São Paulo's homologation NFC-e addresses (the samples' issuer is in SP). */
export const SP_NFCE_QR_URL = 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode';
export const SP_NFCE_CONSULT_URL = 'https://www.homologacao.nfce.fazenda.sp.gov.br/consulta';

export interface AuthorisedProc {
  procXml: string;
  /** The signed NFe alone (with infNFeSupl for an NFC-e), as stored before SEFAZ answers. */
  signedXml: string;
  accessKey: string;
  protocol: string;
  receivedAt: string;
  /** infNFeSupl/qrCode, for an NFC-e. */
  qrCode?: string;
  total: string;
}

export function authorisedProc(
  input: NfeInput,
  cert: Pick<A1Certificate, 'certPem' | 'keyPem'>,
  options: { protocol?: string; receivedAt?: string } = {},
): AuthorisedProc {
  const built = buildNfe(input);
  let signed = signNfe(built.xml, cert);
  let qrCode: string | undefined;
  if (input.model === 65) {
    qrCode = nfceQrCodeOf(signed, { url: SP_NFCE_QR_URL, cscId: '000001', csc: 'CSC-DE-TESTE-0123456789' });
    signed = addNfceSupplement(signed, { qrCode, urlChave: SP_NFCE_CONSULT_URL });
  }
  // nProt: 1 (a state authoriser), cUF, year, a 10-digit sequence.
  const protocol = options.protocol ?? `135${input.issuedAt.slice(2, 4)}${String(input.number).padStart(10, '0')}`;
  const receivedAt = options.receivedAt ?? input.issuedAt.replace(/:\d{2}([+-])/, ':59$1');
  const protNFe =
    `<protNFe versao="4.00"><infProt Id="ID${protocol}"><tpAmb>${input.environment}</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic>` +
    `<chNFe>${built.accessKey}</chNFe><dhRecbto>${receivedAt}</dhRecbto><nProt>${protocol}</nProt><digVal>${digestValueOf(signed)}</digVal>` +
    '<cStat>100</cStat><xMotivo>Autorizado o uso da NF-e</xMotivo></infProt></protNFe>';
  return {
    procXml: mergeProtocol(signed, protNFe),
    signedXml: signed,
    accessKey: built.accessKey,
    protocol,
    receivedAt,
    qrCode,
    total: built.totals.total.toFixed(2),
  };
}
