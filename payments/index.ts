/**
 * Payments core: the Pix BR Code and the FEBRABAN boleto, pure and offline. The PIX and boleto
 * nodes, the PSP and bank connections build on these (see docs/payments.md).
 */
export { PaymentDataError } from './errors';
export { amountToCents, formatCents } from './money';
export { toAsciiText } from './ascii';
export { crc16CcittFalse } from './pix/crc16';
export { normalizePixKey, pixKeyType, isValidCpf, isValidCnpj, type PixKey, type PixKeyType } from './pix/pix-key';
export {
  buildBrCode,
  parseBrCode,
  isValidBrCode,
  PIX_GUI,
  NO_TXID,
  type BrCodeInput,
  type BrCodeField,
  type ParsedBrCode,
  type PointOfInitiation,
} from './pix/br-code';
export {
  buildBoletoBarcode,
  parseBoletoBarcode,
  parseDigitableLine,
  barcodeToDigitableLine,
  digitableLineToBarcode,
  formatDigitableLine,
  barcodeCheckDigit,
  mod10,
  type BoletoInput,
  type ParsedBoleto,
  type ParseOptions,
} from './boleto/barcode';
export { dueDateFactor, dueDateFromFactor, todayInSaoPaulo, FACTOR_CYCLE_DAYS, FIRST_DUE_DATE } from './boleto/due-date-factor';
