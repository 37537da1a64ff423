/**
 * Fiscal core: the NF-e / NFC-e (layout 4.00) built, validated against the official schemas,
 * signed and given its QR code, offline; the requests that void unused numbers and cancel a note. The SEFAZ transport (connectors/sefaz) and the emit-nf
 * node build on these (see docs/fiscal.md).
 */
export type * from './types';
export { FiscalDataError, CertificateError, type CertificateProblem } from './errors';
export {
  buildAccessKey,
  parseAccessKey,
  isValidAccessKey,
  accessKeyCheckDigit,
  drawCnf,
  isValidCnf,
  ufCode,
  UF_CODES,
  type AccessKeyFields,
  type ParsedAccessKey,
} from './nfe/access-key';
export {
  buildNfe,
  NFE_NAMESPACE,
  NFE_LAYOUT_VERSION,
  HOMOLOGATION_ITEM_DESCRIPTION,
  HOMOLOGATION_RECIPIENT_NAME,
  DEFAULT_SOFTWARE_VERSION,
  type BuildOptions,
} from './nfe/build';
export { buildInutilization } from './nfe/inutilization';
export { buildCancellation, CANCELLATION_EVENT, EVENT_LAYOUT_VERSION } from './nfe/event';
export { brasiliaDateTime } from './nfe/xml';
export { validateNfe, SCHEMA_PACKAGE, type SchemaProblem, type SchemaRoot, type ValidateOptions } from './nfe/schema';
export { readA1, expiresWithinDays, certificateBase64, ICP_BRASIL_CNPJ_OID } from './nfe/certificate';
export { signNfe, verifyNfeSignature, digestValueOf, DSIG_NAMESPACE, type SignedElement, type SignatureCheck } from './nfe/sign';
export { nfceQrCode, nfceQrCodeOf, addNfceSupplement, type NfceQrCodeInput } from './nfe/qrcode';
