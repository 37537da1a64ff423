/**
 * The DANFE's machine-readable codes as geometry the layouts draw with vector rectangles (no
 * raster image: a printer scales them without blurring the narrow bars):
 *
 * - the access key in CODE-128, code set C (MOC, DANFE and barcode chapter): 44 digits are 22
 *   digit pairs, one symbol each, between Start C and the mod-103 check symbol and Stop. bwip-js
 *   (the BWIPP encoder) picks set C by itself for an even run of digits; the start symbol is
 *   checked so a key that cannot be set C (the alphanumeric CNPJ of NT 2025.001) is the only way
 *   to get another set;
 * - the NFC-e's QR code (ISO/IEC 18004) from infNFeSupl/qrCode, error correction M, the level
 *   the NFC-e manual recommends for a small receipt print.
 */
import bwipjs from 'bwip-js/node';
import QRCode from 'qrcode';
import { FiscalDataError } from '../errors';

/** CODE-128's Start C symbol as bar/space widths in modules. */
const START_C = [2, 1, 1, 2, 3, 2];

export interface LinearBarcode {
  /** Widths in modules, bar first, then space, bar… (CODE-128's bars and spaces alternate). */
  widths: number[];
  /** The sum of the widths. */
  modules: number;
}

/** The CODE-128 bars of an access key (set C for the 44 digits of every key today). */
export function accessKeyBarcode(accessKey: string): LinearBarcode {
  if (!/^[0-9A-Z]{44}$/.test(accessKey)) throw new FiscalDataError('accessKey', `the access key must have 44 characters, got "${accessKey}"`);
  const [symbol] = bwipjs.raw('code128', accessKey, {}) as Array<{ sbs: number[] }>;
  const widths = symbol.sbs;
  if (/^\d{44}$/.test(accessKey) && START_C.some((w, i) => widths[i] !== w)) {
    throw new FiscalDataError('accessKey', 'the access key was not encoded in CODE-128 set C');
  }
  return { widths, modules: widths.reduce((a, b) => a + b, 0) };
}

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** Whether the module at column x, row y is dark. */
  dark(x: number, y: number): boolean;
}

export function qrMatrix(content: string): QrMatrix {
  if (content.trim() === '') throw new FiscalDataError('qrCode', 'the NFC-e has no infNFeSupl/qrCode to print');
  const { modules } = QRCode.create(content, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (x, y) => modules.get(y, x) === 1 };
}
