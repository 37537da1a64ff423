/**
 * Fiscal core: the NF-e / NFC-e (layout 4.00) built, validated against the official schemas,
 * signed and given its QR code, offline. The SEFAZ transport (connectors/sefaz) and the emit-nf
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
export { validateNfe, SCHEMA_PACKAGE, type SchemaProblem, type SchemaRoot, type ValidateOptions } from './nfe/schema';
export { readA1, expiresWithinDays, certificateBase64, ICP_BRASIL_CNPJ_OID } from './nfe/certificate';
export { signNfe, verifyNfeSignature, digestValueOf, DSIG_NAMESPACE, type SignedElement, type SignatureCheck } from './nfe/sign';
export { nfceQrCode, nfceQrCodeOf, addNfceSupplement, type NfceQrCodeInput } from './nfe/qrcode';
