/**
 * The DANFE: the printed companion of an authorised NF-e (A4 portrait) or NFC-e (80 mm receipt),
 * rendered from its nfeProc. Derived, never stored: the nfeProc is the legal record, and the same
 * XML always renders the same content (see docs/fiscal.md, "DANFE").
 */
import { renderNfce } from './nfce';
import { renderNfe } from './nfe';
import { readDanfe } from './read';

export { readDanfe, type DanfeData, type DanfeItem } from './read';
export { accessKeyBarcode, qrMatrix, type LinearBarcode, type QrMatrix } from './codes';
export { accessKeyBlocks } from './format';

/** The DANFE of an authorised nfeProc as a PDF; the layout follows ide/mod (55 A4, 65 receipt). */
export async function renderDanfe(procXml: string): Promise<Buffer> {
  const data = readDanfe(procXml);
  return data.model === 65 ? renderNfce(data) : renderNfe(data);
}
