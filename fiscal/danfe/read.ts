/**
 * What the DANFE prints, read from the nfeProc: the signed NFe and SEFAZ's protNFe. The DANFE
 * may show nothing the XML does not hold (MOC, DANFE chapter; the NFC-e manual says the same),
 * except the authorisation's own facts, so everything the layouts need comes from here, as the
 * XML's text: amounts stay decimal strings and are only reformatted, never recomputed.
 */
import { XMLParser } from 'fast-xml-parser';
import { FiscalDataError } from '../errors';

type Node = Record<string, unknown>;

// Text stays text ("0001", "35"); the repeating groups are always arrays, even with one member.
const REPEATED = new Set(['det', 'detPag', 'vol', 'dup', 'obsCont']);
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

export interface DanfeAddress {
  street: string;
  number: string;
  complement: string;
  district: string;
  city: string;
  uf: string;
  postalCode: string;
  phone: string;
}

export interface DanfeParty {
  /** CNPJ or CPF digits ('' for an NFC-e consumer who gave none). */
  document: string;
  name: string;
  tradeName: string;
  ie: string;
  /** IE of the tax substitute (emit/IEST). */
  ieSt: string;
  address?: DanfeAddress;
  email: string;
}

export interface DanfeItem {
  number: string;
  code: string;
  description: string;
  ncm: string;
  /** Origin followed by the CST (3 digits) or the CSOSN (4): what the "O/CST" column shows. */
  cst: string;
  cfop: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  total: string;
  discount: string;
  icmsBase: string;
  icmsValue: string;
  icmsRate: string;
  ipiValue: string;
  ipiRate: string;
  /** infAdProd: printed under the description. */
  extra: string;
}

export interface DanfePayment {
  method: string;
  /** xPag, for "99 outros". */
  description: string;
  amount: string;
}

export interface DanfeVolume {
  quantity: string;
  kind: string;
  brand: string;
  numbering: string;
  grossWeight: string;
  netWeight: string;
}

export interface DanfeData {
  accessKey: string;
  model: 55 | 65;
  /** tpAmb: 2 prints "SEM VALOR FISCAL". */
  environment: 1 | 2;
  /** tpEmis: 1 normal, 6/7 SVC, 9 NFC-e offline. */
  emissionType: string;
  contingency?: { at: string; reason: string };
  series: string;
  number: string;
  /** tpNF: 0 entrada, 1 saída. */
  direction: '0' | '1';
  operation: string;
  /** emit/CRT: 1 and 4 (Simples Nacional) print CSOSN, the others CST. */
  crt: string;
  issuedAt: string;
  leftAt: string;
  issuer: DanfeParty;
  recipient?: DanfeParty;
  items: DanfeItem[];
  totals: {
    icmsBase: string;
    icms: string;
    icmsStBase: string;
    icmsSt: string;
    products: string;
    freight: string;
    insurance: string;
    discount: string;
    other: string;
    ipi: string;
    pis: string;
    cofins: string;
    approximateTaxes: string;
    total: string;
  };
  transport: {
    /** modFrete. */
    mode: string;
    carrier?: { document: string; name: string; ie: string; address: string; city: string; uf: string };
    vehicle?: { plate: string; uf: string; antt: string };
    volumes: DanfeVolume[];
  };
  payments: DanfePayment[];
  change: string;
  additionalInfo: string;
  fiscoInfo: string;
  /** NFC-e: infNFeSupl. */
  qrCode: string;
  consultUrl: string;
  protocol: { number: string; receivedAt: string; cStat: string; reason: string };
}

function child(node: unknown, name: string): Node | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Node)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === 'object' ? (first as Node) : undefined;
}

function list(node: unknown, name: string): Node[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as Node)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is Node => !!v && typeof v === 'object');
}

function text(node: unknown, name: string): string {
  if (!node || typeof node !== 'object') return '';
  const value = (node as Node)[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return '';
  if (typeof first === 'object') return String((first as Node)['#text'] ?? '');
  return String(first);
}

/** The only child element of a choice group (ICMS00, ICMSSN102, IPITrib…), whichever it is. */
function onlyGroup(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key === '#text') continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first && typeof first === 'object') return first as Node;
  }
  return undefined;
}

function address(node: Node | undefined): DanfeAddress | undefined {
  if (!node) return undefined;
  return {
    street: text(node, 'xLgr'),
    number: text(node, 'nro'),
    complement: text(node, 'xCpl'),
    district: text(node, 'xBairro'),
    city: text(node, 'xMun'),
    uf: text(node, 'UF'),
    postalCode: text(node, 'CEP'),
    phone: text(node, 'fone'),
  };
}

function party(node: Node, addressTag: 'enderEmit' | 'enderDest'): DanfeParty {
  return {
    document: text(node, 'CNPJ') || text(node, 'CPF') || text(node, 'idEstrangeiro'),
    name: text(node, 'xNome'),
    tradeName: text(node, 'xFant'),
    ie: text(node, 'IE'),
    ieSt: text(node, 'IEST'),
    address: address(child(node, addressTag)),
    email: text(node, 'email'),
  };
}

function item(det: Node): DanfeItem {
  const prod = child(det, 'prod');
  const tax = child(det, 'imposto');
  const icms = onlyGroup(child(tax, 'ICMS'));
  const ipi = child(tax, 'IPI');
  const ipiTrib = child(ipi, 'IPITrib');
  return {
    number: String(det['@nItem'] ?? ''),
    code: text(prod, 'cProd'),
    description: text(prod, 'xProd'),
    ncm: text(prod, 'NCM'),
    cst: text(icms, 'orig') + (text(icms, 'CST') || text(icms, 'CSOSN')),
    cfop: text(prod, 'CFOP'),
    unit: text(prod, 'uCom'),
    quantity: text(prod, 'qCom'),
    unitPrice: text(prod, 'vUnCom'),
    total: text(prod, 'vProd'),
    discount: text(prod, 'vDesc'),
    icmsBase: text(icms, 'vBC'),
    icmsValue: text(icms, 'vICMS'),
    icmsRate: text(icms, 'pICMS'),
    ipiValue: text(ipiTrib, 'vIPI'),
    ipiRate: text(ipiTrib, 'pIPI'),
    extra: text(det, 'infAdProd'),
  };
}

/**
 * Reads an nfeProc (or an NFe with its protNFe beside it). Refuses what must not become a DANFE:
 * no infNFe, no protocol, or a protocol that is not an authorisation (100, 150) of this key.
 */
export function readDanfe(procXml: string): DanfeData {
  let doc: Node;
  try {
    doc = parser.parse(procXml) as Node;
  } catch (err) {
    throw new FiscalDataError('xml', `the nfeProc is not well-formed XML: ${(err as Error).message}`);
  }
  const root = child(doc, 'nfeProc') ?? doc;
  const nfe = child(root, 'NFe');
  const inf = child(nfe, 'infNFe');
  if (!nfe || !inf) throw new FiscalDataError('xml', 'the document has no NFe/infNFe: a DANFE is printed from the nfeProc');
  const infProt = child(child(root, 'protNFe'), 'infProt');
  if (!infProt) throw new FiscalDataError('xml', 'the document has no protNFe: a DANFE is printed only for an authorised NF-e (its nfeProc)');
  const accessKey = String(inf['@Id'] ?? '').replace(/^NFe/, '');
  const cStat = text(infProt, 'cStat');
  if (cStat !== '100' && cStat !== '150') {
    throw new FiscalDataError('xml', `the protocol is not an authorisation (cStat ${cStat}: ${text(infProt, 'xMotivo')}): a DANFE is printed only for an authorised NF-e`);
  }
  if (text(infProt, 'chNFe') !== accessKey) throw new FiscalDataError('xml', `the protocol is of NF-e ${text(infProt, 'chNFe')}, not ${accessKey}`);

  const ide = child(inf, 'ide');
  const model = text(ide, 'mod');
  if (model !== '55' && model !== '65') throw new FiscalDataError('xml', `ide/mod must be 55 or 65, got "${model}"`);
  const dest = child(inf, 'dest');
  const tot = child(child(inf, 'total'), 'ICMSTot');
  const transp = child(inf, 'transp');
  const carrier = child(transp, 'transporta');
  const vehicle = child(transp, 'veicTransp');
  const pag = child(inf, 'pag');
  const adic = child(inf, 'infAdic');
  const supl = child(nfe, 'infNFeSupl');
  const dhCont = text(ide, 'dhCont');

  return {
    accessKey,
    model: Number(model) as 55 | 65,
    environment: text(ide, 'tpAmb') === '1' ? 1 : 2,
    emissionType: text(ide, 'tpEmis') || '1',
    contingency: dhCont ? { at: dhCont, reason: text(ide, 'xJust') } : undefined,
    series: text(ide, 'serie'),
    number: text(ide, 'nNF'),
    direction: text(ide, 'tpNF') === '0' ? '0' : '1',
    operation: text(ide, 'natOp'),
    crt: text(child(inf, 'emit'), 'CRT'),
    issuedAt: text(ide, 'dhEmi'),
    leftAt: text(ide, 'dhSaiEnt'),
    issuer: party(child(inf, 'emit') ?? {}, 'enderEmit'),
    recipient: dest ? party(dest, 'enderDest') : undefined,
    items: list(inf, 'det').map(item),
    totals: {
      icmsBase: text(tot, 'vBC'),
      icms: text(tot, 'vICMS'),
      icmsStBase: text(tot, 'vBCST'),
      icmsSt: text(tot, 'vST'),
      products: text(tot, 'vProd'),
      freight: text(tot, 'vFrete'),
      insurance: text(tot, 'vSeg'),
      discount: text(tot, 'vDesc'),
      other: text(tot, 'vOutro'),
      ipi: text(tot, 'vIPI'),
      pis: text(tot, 'vPIS'),
      cofins: text(tot, 'vCOFINS'),
      approximateTaxes: text(tot, 'vTotTrib'),
      total: text(tot, 'vNF'),
    },
    transport: {
      mode: text(transp, 'modFrete'),
      carrier: carrier
        ? {
            document: text(carrier, 'CNPJ') || text(carrier, 'CPF'),
            name: text(carrier, 'xNome'),
            ie: text(carrier, 'IE'),
            address: text(carrier, 'xEnder'),
            city: text(carrier, 'xMun'),
            uf: text(carrier, 'UF'),
          }
        : undefined,
      vehicle: vehicle ? { plate: text(vehicle, 'placa'), uf: text(vehicle, 'UF'), antt: text(vehicle, 'RNTC') } : undefined,
      volumes: list(transp, 'vol').map((v) => ({
        quantity: text(v, 'qVol'),
        kind: text(v, 'esp'),
        brand: text(v, 'marca'),
        numbering: text(v, 'nVol'),
        grossWeight: text(v, 'pesoB'),
        netWeight: text(v, 'pesoL'),
      })),
    },
    payments: list(pag, 'detPag').map((p) => ({ method: text(p, 'tPag'), description: text(p, 'xPag'), amount: text(p, 'vPag') })),
    change: text(pag, 'vTroco'),
    additionalInfo: text(adic, 'infCpl'),
    fiscoInfo: text(adic, 'infAdFisco'),
    qrCode: text(supl, 'qrCode'),
    consultUrl: text(supl, 'urlChave'),
    protocol: { number: text(infProt, 'nProt'), receivedAt: text(infProt, 'dhRecbto'), cStat, reason: text(infProt, 'xMotivo') },
  };
}
