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
}
