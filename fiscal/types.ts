/**
 * The contract between the NF-e / NFC-e builder (fiscal/nfe), the SEFAZ transport
 * (connectors/sefaz) and the emit-nf node. Pure data; see docs/fiscal.md.
 */

/** 1 produção, 2 homologação. */
export type Environment = 1 | 2;
/** 55 NF-e (B2B), 65 NFC-e (consumer). */
export type Model = 55 | 65;

export interface Address {
  street: string;
  number: string;
  complement?: string;
  district: string;
  /** IBGE municipality code, 7 digits. */
  cityCode: string;
  city: string;
  /** UF, e.g. "SP". */
  uf: string;
  /** CEP, 8 digits. */
  postalCode: string;
  phone?: string;
}

/** The seller: who issues. Comes from the fiscal connection's settings. */
export interface Issuer {
  cnpj: string;
  /** Inscrição estadual. */
  ie: string;
  name: string;
  tradeName?: string;
  /** 1 Simples Nacional, 2 Simples excesso de sublimite, 3 regime normal, 4 MEI. */
  crt: 1 | 2 | 3 | 4;
  address: Address;
}

export interface Recipient {
  /** CPF (11) or CNPJ (14) digits. */
  document: string;
  name: string;
  /** 1 contribuinte ICMS, 2 isento, 9 não contribuinte. */
  ieIndicator: 1 | 2 | 9;
  ie?: string;
  email?: string;
  address?: Address;
}

/**
 * An item's taxes. Simples Nacional (CRT 1/4) uses `csosn` (101, 102, 103, 300, 400, 500, 900);
 * regime normal uses `cst` (00, 20, 40, 41, 60, …) with `icmsRate` and `icmsBaseReduction`.
 */
export interface ItemTaxes {
  /** Origem da mercadoria, 0-8. */
  origin: number;
  csosn?: string;
  cst?: string;
  icmsRate?: number;
  icmsBaseReduction?: number;
  /** PIS/COFINS CST (01 tributável, 07 isenta, 49 outras saídas, 99 outras…) and rates in %. */
  pisCst: string;
  pisRate?: number;
  cofinsCst: string;
  cofinsRate?: number;
  /** pCredSN: the ICMS credit rate (%) a Simples Nacional seller passes on, for CSOSN 101 (required) and 900. */
  simplesCreditRate?: number;
}

export interface NfeItem {
  code: string;
  /** GTIN; "SEM GTIN" when none. */
  gtin?: string;
  description: string;
  ncm: string;
  cest?: string;
  cfop: string;
  unit: string;
  quantity: number;
  unitPrice: number;
  discount?: number;
  freight?: number;
  taxes: ItemTaxes;
}

export interface NfePayment {
  /** tPag: 01 dinheiro, 03 crédito, 04 débito, 15 boleto, 17 Pix, 90 sem pagamento, 99 outros. */
  method: string;
  amount: number;
  /** xPag: what the payment was, required when `method` is 99 (outros). */
  description?: string;
}

export interface NfeInput {
  model: Model;
  environment: Environment;
  series: number;
  number: number;
  /** 8 digits; the builder draws one (never equal to the number, never a forbidden sequence) when absent. */
  cnf?: string;
  /** ISO 8601 with offset, e.g. 2026-11-24T10:15:00-03:00. */
  issuedAt: string;
  /** Natureza da operação, e.g. "VENDA". */
  operation: string;
  issuer: Issuer;
  /** Optional for NFC-e. */
  recipient?: Recipient;
  items: NfeItem[];
  payments: NfePayment[];
  /** modFrete: 0 emitente, 1 destinatário, 2 terceiros, 9 sem frete. */
  freightMode: 0 | 1 | 2 | 3 | 4 | 9;
  /** 1 presencial, 2 internet, 4 entrega a domicílio, 9 outros… (indPres). */
  presence: number;
  additionalInfo?: string;
  /** The marketplace a channel sale came through (infIntermed). */
  intermediary?: { cnpj: string; orderId: string };
  /** Software house (infRespTec), required by most states. */
  technicalResponsible?: { cnpj: string; contact: string; email: string; phone: string };
  /** tpEmis: 1 normal (default), 6/7 SVC-AN/SVC-RS, 9 NFC-e offline. */
  emissionType?: 1 | 6 | 7 | 9;
  /** dhCont / xJust: when and why the issuer entered contingency; required when emissionType is not 1. */
  contingency?: { enteredAt: string; reason: string };
}

export interface NfeTotals {
  products: number;
  discount: number;
  freight: number;
  icmsBase: number;
  icms: number;
  pis: number;
  cofins: number;
  /** vNF. */
  total: number;
}

export interface BuiltNfe {
  /** Unsigned, minified, UTF-8, elements in schema order. */
  xml: string;
  /** 44 digits. */
  accessKey: string;
  cnf: string;
  totals: NfeTotals;
}

/** An A1 certificate read from its PKCS#12 file. */
export interface A1Certificate {
  certPem: string;
  keyPem: string;
  /** The chain's other certificates (PEM), for TLS. */
  chainPem: string[];
  subject: string;
  /** CNPJ from the ICP-Brasil otherName (OID 2.16.76.1.3.3), when present. */
  cnpj?: string;
  notBefore: Date;
  notAfter: Date;
}

/** What SEFAZ said about one NF-e (protNFe/infProt, or the lote's answer when it has none). */
export interface SefazOutcome {
  /** authorized: 100/150; rejected: any 2xx-7xx rejection; denied: 110/301/302/303 (number consumed);
   *  duplicate: 204/539 (already authorised: recover by consulting); unavailable: 108/109/999, 656 (consumo indevido), transport failures. */
  kind: 'authorized' | 'rejected' | 'denied' | 'duplicate' | 'unavailable';
  cStat: string;
  reason: string;
  accessKey?: string;
  protocol?: string;
  receivedAt?: string;
  /** The <protNFe> element as SEFAZ sent it, to merge into nfeProc. */
  protNFeXml?: string;
  /** A consultation's procEventoNFe elements (a cancellation, a CC-e), as SEFAZ sent them. */
  eventsXml?: string[];
}

/**
 * A request to void ("inutilizar") a range of numbers never used: numbers a rejected invoice held,
 * or a gap in the sequence. SEFAZ records the range so the gap is accounted for.
 */
export interface InutilizationInput {
  environment: Environment;
  /** The issuer's UF ("SP") or its IBGE code ("35"): cUF of the request. */
  uf: string;
  cnpj: string;
  model: Model;
  series: number;
  /** First and last number of the range (the same for one number). */
  from: number;
  to: number;
  /** xJust: why the numbers are voided, 15 to 255 characters. */
  reason: string;
  /** The year the numbers are voided in (4 or 2 digits); the current year in Brasília by default. */
  year?: number;
}

export interface BuiltInutilization {
  /** The unsigned `<inutNFe>`; sign its infInut with `signNfe(xml, cert, 'infInut')`. */
  xml: string;
  /** infInut's Id: "ID" + cUF + AA + CNPJ + mod + serie(3) + nNFIni(9) + nNFFin(9). */
  id: string;
}

/** The cancellation event (110111) of an authorised NF-e / NFC-e. */
export interface CancellationInput {
  environment: Environment;
  accessKey: string;
  /** The issuer's CNPJ: only the issuer may cancel its note (574). */
  cnpj: string;
  /** nProt of the authorisation being cancelled (15 digits). */
  protocol: string;
  /** xJust: why the note is cancelled, 15 to 255 characters. */
  reason: string;
  /** dhEvento, with its UTC offset; now in Brasília time by default. */
  at?: string;
  /** idLote, 1 to 15 digits; drawn from the clock by default. */
  batchId?: string;
}

export interface BuiltEvent {
  /** The unsigned `<envEvento>` with one `<evento>`; sign its infEvento with `signNfe(xml, cert, 'infEvento')`. */
  xml: string;
  /** infEvento's Id: "ID" + tpEvento + chave + nSeqEvento(2). */
  id: string;
  type: string;
  sequence: number;
}

/** What SEFAZ said about a request to void numbers (retInutNFe). */
export interface InutilizationOutcome {
  /**
   * voided: 102; duplicate: 563, the same range was voided before (its numbers are void all the
   * same); rejected: any other refusal (241 a number of the range was used, 256 part of the range
   * is voided already, 213 another company's certificate…); unavailable: 108/109/999/656.
   */
  kind: 'voided' | 'duplicate' | 'rejected' | 'unavailable';
  cStat: string;
  reason: string;
  protocol?: string;
  receivedAt?: string;
  /** The procInutNFe (the signed request and SEFAZ's answer side by side): the voiding's legal record. */
  procXml?: string;
}

/** What SEFAZ said about one event (retEvento), or about its batch when it has none. */
export interface EventOutcome {
  /**
   * registered: 135 (linked to the note), 136 (registered without link), 155 (a cancellation
   * accepted after the deadline); duplicate: 573, the same event was registered before;
   * rejected: any other refusal (501 deadline passed, 222 wrong protocol, 580 the note is not
   * authorised…); unavailable: 108/109/999/656.
   */
  kind: 'registered' | 'duplicate' | 'rejected' | 'unavailable';
  cStat: string;
  reason: string;
  accessKey?: string;
  protocol?: string;
  registeredAt?: string;
  /** The procEventoNFe (the signed event and SEFAZ's retEvento): the event's legal record. */
  procXml?: string;
}
