/**
 * A SEFAZ authoriser, layout 4.00, built from the MOC rules and sped-nfe's behaviour:
 * - HTTPS with mutual TLS: the client certificate must come from the simulator's CA (an A1
 *   issued by `issueCertificate`); anything else is refused at the handshake;
 * - SOAP 1.2 at every real path of NFeAutorizacao4, NFeRetAutorizacao4, NFeConsultaProtocolo4
 *   and NFeStatusServico4 (endpoints.ts), the action checked against the path's service;
 * - NFeAutorizacao4 validates the lote and each NF-e against the XSDs (225 / 215 with libxml2's
 *   reason), the XML signature (297/298), the signer's CNPJ base against emit/CNPJ (213), tpAmb
 *   (252), the access key (253 check digit, 502 fields), homologation texts (373/598), then
 *   duplicates: the same key → 204 with the first protocol, the same number under another key
 *   → 539; otherwise 100 with a 15-digit protocol and digVal = the note's DigestValue.
 *   indSinc 1 answers 104 + protNFe; 0 answers 103 + nRec, and NFeRetAutorizacao4 gives 105
 *   for `processingPolls` polls, then 104;
 * - NFeConsultaProtocolo4: 100 + protNFe for authorised keys, 101 + protNFe + procEventoNFe for
 *   cancelled ones, 217 otherwise; NFeStatusServico4: 107 with tMed.
 * - NFeInutilizacao4 (voiding numbers never used) validates the inutNFe against its XSD (215), the
 *   signature on infInut (297/298), the signer's CNPJ base (213), tpAmb (252) and the range (224);
 *   a range holding an authorised number → 241, the same range voided before → 563, one
 *   overlapping a voided range → 256; otherwise 102 with a protocol. A note numbered inside a
 *   voided range is then rejected with 206.
 * - NFeRecepcaoEvento4, cancellation (110111) only: the envEvento's XSD (215 for the batch), then
 *   per event tpAmb (252), signature (297/298), signer (213) and author (574), the Id (572), the
 *   key (494), a repeated event → 573, a note not authorised → 580, nProt ≠ the authorisation's
 *   → 222, and the deadline counted from the authorisation (SP's rules): NF-e up to 24 h → 135,
 *   up to 7 days → 155 (late), later → 501; NFC-e up to 30 minutes → 135, later → 501.
 * Faults for tests: `rejectNext`, `unavailableNext`, `consumoIndevidoNext`, `authorizeThenDrop`.
 */
import { X509Certificate } from 'node:crypto';
import { buildAccessKey, isValidAccessKey } from '../../../fiscal/nfe/access-key';
import { HOMOLOGATION_ITEM_DESCRIPTION, HOMOLOGATION_RECIPIENT_NAME } from '../../../fiscal/nfe/build';
import { validateNfe } from '../../../fiscal/nfe/schema';
import { type SignedElement, verifyNfeSignature } from '../../../fiscal/nfe/sign';
import { escapeXml } from '../../../fiscal/nfe/xml';
import { type A1Options, createTestCa } from '../../../fiscal/testing/certificates';
import type { Environment } from '../../../fiscal/types';
import { type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { SEFAZ_SERVICES, type SefazService, servicePaths } from '../endpoints';
import { signedNfeFacts } from '../protocol';
import {
  findElement,
  LAYOUT_VERSION,
  NFE_NAMESPACE,
  parseXml,
  rawElements,
  soapAction,
  soapFaultEnvelope,
  soapResultEnvelope,
  textOf,
  type XmlNode,
} from '../soap';

export interface SefazSimulatorOptions {
  port?: number;
  /** The environment this authoriser is (tpAmb): 2 homologação by default. */
  environment?: Environment;
  /** tMed, seconds, announced for async batches and in the status answer. */
  averageSeconds?: number;
  /** How many receipt polls answer 105 "Lote em processamento" before 104. */
  processingPolls?: number;
}

export interface AuthorizedNote {
  accessKey: string;
  protocol: string;
  receivedAt: string;
  digestValue: string;
  cnpj: string;
  model: number;
  series: number;
  number: number;
  nfeXml: string;
  protNFeXml: string;
  /** Set once a cancellation (110111) is registered. */
  cancellation?: { protocol: string; registeredAt: string; procEventoNFe: string };
}

/** A range of numbers SEFAZ voided (inutilização homologada). */
export interface VoidedRange {
  cnpj: string;
  model: number;
  series: number;
  from: number;
  to: number;
  protocol: string;
  receivedAt: string;
}

export interface SefazSimulator extends RunningSimulator {
  /** The CA of the server's certificate and of every client certificate it accepts (PEM). */
  readonly caCertificate: string;
  readonly environment: Environment;
  /** Authorised notes by access key (cancelled ones too, with their `cancellation`). */
  readonly authorized: Map<string, AuthorizedNote>;
  /** The ranges voided, in the order they were. */
  readonly voided: VoidedRange[];
  /** Requests that reached each service; a refused handshake counts in `handshakeRefusals` instead. */
  readonly requests: Record<SefazService, number>;
  readonly handshakeRefusals: number;
  /** An A1 certificate (PKCS#12, base64) from the simulator's CA, for a CNPJ. */
  issueCertificate(subject: A1Options): string;
  /** The next note sent is rejected with this cStat (per note, in its protNFe). */
  rejectNext(cStat: string, reason?: string): void;
  /**
   * The next request of any service answers this cStat (108 paralisado, 109 sem previsão);
   * `afterAuthorisations`: only once that many notes went through (SEFAZ going down mid-page).
   */
  unavailableNext(cStat?: string, options?: { afterAuthorisations?: number }): void;
  /** The next request of any service answers 656 "Consumo indevido". */
  consumoIndevidoNext(): void;
  /** The next note sent is authorised, then the connection is closed without an answer (a note the rules reject is answered as usual). */
  authorizeThenDrop(): void;
}

const VERSION_APP = 'PONTE-SIM-4.00';

const MESSAGES: Record<string, string> = {
  '100': 'Autorizado o uso da NF-e',
  '101': 'Cancelamento de NF-e homologado',
  '102': 'Inutilização de número homologado',
  '103': 'Lote recebido com sucesso',
  '104': 'Lote processado',
  '105': 'Lote em processamento',
  '106': 'Lote não localizado',
  '107': 'Serviço em Operação',
  '108': 'Serviço Paralisado Momentaneamente (curto prazo)',
  '109': 'Serviço Paralisado sem Previsão',
  '128': 'Lote de Evento Processado',
  '135': 'Evento registrado e vinculado a NF-e',
  '155': 'Cancelamento homologado fora de prazo',
  '206': 'Rejeição: NF-e já está inutilizada na Base de dados da SEFAZ',
  '213': 'Rejeição: CNPJ-Base do Emitente difere do CNPJ-Base do Certificado Digital',
  '215': 'Rejeição: Falha no schema XML',
  '217': 'Rejeição: NF-e não consta na base de dados da SEFAZ',
  '222': 'Rejeição: Protocolo de Autorização de Uso difere do cadastrado',
  '224': 'Rejeição: A faixa inicial é maior que a faixa final',
  '225': 'Rejeição: Falha no Schema XML do lote de NFe',
  '236': 'Rejeição: Chave de Acesso com dígito verificador inválido',
  '241': 'Rejeição: Um número da faixa já foi utilizado',
  '252': 'Rejeição: Ambiente informado diverge do Ambiente de recebimento',
  '253': 'Rejeição: Digito Verificador da chave de acesso composta inválida',
  '256': 'Rejeição: Uma NF-e da faixa já está inutilizada na Base de dados da SEFAZ',
  '297': 'Rejeição: Assinatura difere do calculado',
  '298': 'Rejeição: Assinatura difere do padrão do Sistema',
  '494': 'Rejeição: Chave de Acesso inexistente',
  '501': 'Rejeição: Pedido de Cancelamento intempestivo (NF-e autorizada a mais de 7 dias)',
  '373': 'Rejeição: Descrição do primeiro item diferente de NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL',
  '502': 'Rejeição: Erro na Chave de Acesso - Campo Id não corresponde à concatenação dos campos correspondentes',
  '563': 'Rejeição: Já existe pedido de Inutilização com a mesma faixa de inutilização',
  '572': 'Rejeição: Erro Atributo ID do evento não corresponde a concatenação dos campos ("ID" + tpEvento + chNFe + nSeqEvento)',
  '573': 'Rejeição: Duplicidade de Evento',
  '574': 'Rejeição: O autor do evento diverge do emissor da NF-e',
  '580': 'Rejeição: O evento exige uma NF-e autorizada',
  '598': 'Rejeição: NF-e emitida em ambiente de homologação com Razão Social do destinatário diferente de NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL',
  '656': 'Rejeição: Consumo Indevido',
};

const RESULT_ELEMENTS: Partial<Record<SefazService, string>> = {
  NFeAutorizacao4: 'retEnviNFe',
  NFeRetAutorizacao4: 'retConsReciNFe',
  NFeConsultaProtocolo4: 'retConsSitNFe',
  NFeStatusServico4: 'retConsStatServ',
  NFeInutilizacao4: 'retInutNFe',
  NFeRecepcaoEvento4: 'retEnvEvento',
};

const HOUR = 3_600_000;
/** How long after the authorisation a cancellation is on time, and accepted at all (SP: NF-e 24 h, late up to 7 days; NFC-e 30 minutes). */
const CANCELLATION_DEADLINES: Record<number, { onTime: number; late: number }> = {
  55: { onTime: 24 * HOUR, late: 168 * HOUR },
  65: { onTime: HOUR / 2, late: HOUR / 2 },
};

/** TMotivo is at most 255 characters. */
function motivo(cStat: string, detail?: string): string {
  const base = MESSAGES[cStat] ?? `Rejeição ${cStat}`;
  return (detail ? `${base} [${detail}]` : base).slice(0, 255);
}

/** dhRecbto as SEFAZ writes it: Brasília time (UTC-3) with its offset. */
function brasiliaNow(): string {
  return `${new Date(Date.now() - 3 * 3_600_000).toISOString().slice(0, 19)}-03:00`;
}

interface Verdict {
  /** The protNFe to answer with. */
  protNFe: string;
  /** Close the connection instead of answering (authorizeThenDrop). */
  drop?: boolean;
}

type NoteFault = { kind: 'reject'; cStat: string; reason?: string } | { kind: 'drop' };

/**
 * The CNPJ of the signer, from the CN ICP-Brasil writes as "RAZAO SOCIAL:CNPJ". fiscal/nfe reads
 * the otherName too, but only from a PKCS#12; the signature carries a bare certificate.
 */
function cnpjOfCertificate(pem: string): string | undefined {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(pem).subject)?.[1];
  return cn ? /:(\d{14})$/.exec(cn.trim())?.[1] : undefined;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export async function startSefazSimulator(options: SefazSimulatorOptions = {}): Promise<SefazSimulator> {
  const environment: Environment = options.environment ?? 2;
  const tMed = options.averageSeconds ?? 1;
  const ca = createTestCa();
  const server = ca.issueServer(['127.0.0.1', 'localhost']);
  const authorized = new Map<string, AuthorizedNote>();
  const voided: VoidedRange[] = [];
  const byNumber = new Map<string, string>();
  const receipts = new Map<string, { protocols: string[]; polls: number; cUF: string }>();
  const requests = Object.fromEntries(SEFAZ_SERVICES.map((s) => [s, 0])) as Record<SefazService, number>;
  const noteFaults: NoteFault[] = [];
  const serviceFaults: Array<{ cStat: string; authorisationsFirst: number }> = [];
  let handshakeRefusals = 0;
  let protocolSequence = 0;
  let receiptSequence = 0;

  const soap = (service: SefazService, result: string): SimResponse => ({
    status: 200,
    body: soapResultEnvelope(service, result),
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
  });
  const fault = (code: 'Sender' | 'Receiver', reason: string): SimResponse => ({
    status: 500,
    body: soapFaultEnvelope(code, reason),
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
  });
  /** The first elements every ret* answer shares. */
  const header = (cStat: string, reason: string) =>
    `<tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic><cStat>${cStat}</cStat><xMotivo>${escapeXml(reason)}</xMotivo>`;

  function protNFe(accessKey: string, cStat: string, reason: string, extra: { protocol?: string; digestValue?: string; receivedAt?: string } = {}): string {
    const receivedAt = extra.receivedAt ?? brasiliaNow();
    return (
      `<protNFe versao="${LAYOUT_VERSION}"><infProt${extra.protocol ? ` Id="ID${extra.protocol}"` : ''}>` +
      `<tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic><chNFe>${accessKey}</chNFe><dhRecbto>${receivedAt}</dhRecbto>` +
      (extra.protocol ? `<nProt>${extra.protocol}</nProt>` : '') +
      (extra.digestValue ? `<digVal>${extra.digestValue}</digVal>` : '') +
      `<cStat>${cStat}</cStat><xMotivo>${escapeXml(reason)}</xMotivo></infProt></protNFe>`
    );
  }

  /** nProt: 1 (state authoriser), cUF, year, 10-digit sequence. */
  const nextProtocol = (cUF: string) => `1${cUF}${String(new Date().getUTCFullYear()).slice(2)}${String(++protocolSequence).padStart(10, '0')}`;

  /** The rules one NF-e goes through, in the order SEFAZ applies them; the protNFe it earns. */
  async function judge(nfeXml: string): Promise<Verdict> {
    const doc = parseXml(nfeXml);
    const infNFe = findElement(doc, 'infNFe') as XmlNode;
    const accessKey = String(infNFe['@Id'] ?? '').replace(/^NFe/, '');
    const reject = (cStat: string, detail?: string): Verdict => ({ protNFe: protNFe(accessKey, cStat, motivo(cStat, detail)) });

    const problems = await validateNfe(nfeXml, 'nfe');
    if (problems.length) return reject('215', `${problems[0].path}: ${problems[0].message}`);
    const injected = noteFaults.shift();
    if (injected?.kind === 'reject') return { protNFe: protNFe(accessKey, injected.cStat, injected.reason ?? motivo(injected.cStat)) };

    const ide = findElement(infNFe, 'ide') as XmlNode;
    const emit = findElement(infNFe, 'emit') as XmlNode;
    if (Number(textOf(ide, 'tpAmb')) !== environment) return reject('252');

    const emitter = textOf(emit, 'CNPJ');
    const signed = signatureProblem(nfeXml, 'infNFe', emitter);
    if (signed) return reject(signed.cStat, signed.detail);

    if (!isValidAccessKey(accessKey)) return reject('253');
    const model = Number(textOf(ide, 'mod'));
    const series = Number(textOf(ide, 'serie'));
    const number = Number(textOf(ide, 'nNF'));
    let composed = '';
    try {
      composed = buildAccessKey({
        uf: textOf(ide, 'cUF'),
        yearMonth: textOf(ide, 'dhEmi').slice(2, 4) + textOf(ide, 'dhEmi').slice(5, 7),
        issuerDocument: emitter || textOf(emit, 'CPF'),
        model: model as 55 | 65,
        series,
        number,
        emissionType: Number(textOf(ide, 'tpEmis')),
        cnf: textOf(ide, 'cNF'),
      });
    } catch {
      // Fields the key cannot be made of are as wrong as fields that make another key.
    }
    if (composed !== accessKey || textOf(ide, 'cDV') !== accessKey[43]) return reject('502');

    if (environment === 2) {
      const firstItem = asArray(infNFe.det as XmlNode | XmlNode[])[0];
      if (model === 65 && textOf(findElement(firstItem, 'prod'), 'xProd') !== HOMOLOGATION_ITEM_DESCRIPTION) return reject('373');
      const dest = infNFe.dest as XmlNode | undefined;
      if (dest && textOf(dest, 'xNome') && textOf(dest, 'xNome') !== HOMOLOGATION_RECIPIENT_NAME) return reject('598');
    }

    if (voidedRangeOf(emitter, model, series, number)) return reject('206', `nNF ${number}`);

    const earlier = authorized.get(accessKey);
    if (earlier) {
      // SEFAZ names the first authorisation in xMotivo so the sender can recover it.
      return { protNFe: protNFe(accessKey, '204', `Rejeição: Duplicidade de NF-e [nProt:${earlier.protocol}][dhAut:${earlier.receivedAt}]`) };
    }
    const numberKey = `${emitter}|${model}|${series}|${number}`;
    const sameNumber = authorized.get(byNumber.get(numberKey) ?? '');
    if (sameNumber) {
      return {
        protNFe: protNFe(accessKey, '539', `Rejeição: Duplicidade de NF-e com diferença na Chave de Acesso [chNFe:${sameNumber.accessKey}][nProt:${sameNumber.protocol}][dhAut:${sameNumber.receivedAt}]`),
      };
    }

    const { digestValue } = signedNfeFacts(nfeXml);
    const receivedAt = brasiliaNow();
    const protocol = nextProtocol(accessKey.slice(0, 2));
    const prot = protNFe(accessKey, '100', motivo('100'), { protocol, digestValue, receivedAt });
    authorized.set(accessKey, { accessKey, protocol, receivedAt, digestValue, cnpj: emitter, model, series, number, nfeXml, protNFeXml: prot });
    byNumber.set(numberKey, accessKey);
    return { protNFe: prot, drop: injected?.kind === 'drop' };
  }

  async function autorizacao(req: SimRequest): Promise<SimResponse> {
    const [envi] = rawElements(req.rawBody, 'enviNFe');
    const lote = (cStat: string, detail?: string) => soap('NFeAutorizacao4', retEnviNFe(cStat, motivo(cStat, detail), '35', ''));
    if (!envi) return lote('225', 'enviNFe ausente');
    const problems = await validateNfe(envi, 'enviNFe');
    const notes = rawElements(envi, 'NFe');
    const keyOf = (nfe: string) => /Id="NFe(\d{44})"/.exec(nfe)?.[1];
    // A note whose own content breaks the schema is answered per note (215) when it can be named.
    const loteProblem = problems.find((p) => !/^(enviNFe\/)?NFe\//.test(p.path)) ?? (notes.every(keyOf) ? undefined : problems[0]);
    if (loteProblem) return lote('225', `${loteProblem.path}: ${loteProblem.message}`);
    const envelope = findElement(parseXml(envi), 'enviNFe') as XmlNode;
    const sync = textOf(envelope, 'indSinc') === '1';
    if (sync && notes.length !== 1) return lote('225', 'indSinc=1 exige uma única NF-e no lote');
    const cUF = keyOf(notes[0])?.slice(0, 2) ?? '35';

    const verdicts: Verdict[] = [];
    for (const nfe of notes) verdicts.push(await judge(nfe));
    const drop = verdicts.some((v) => v.drop);
    if (drop) return { status: 0, drop: true };
    if (sync) return soap('NFeAutorizacao4', retEnviNFe('104', motivo('104'), cUF, verdicts[0].protNFe));
    const receipt = `${cUF}1${String(++receiptSequence).padStart(12, '0')}`;
    receipts.set(receipt, { protocols: verdicts.map((v) => v.protNFe), polls: 0, cUF });
    return soap('NFeAutorizacao4', retEnviNFe('103', motivo('103'), cUF, `<infRec><nRec>${receipt}</nRec><tMed>${tMed}</tMed></infRec>`));
  }

  function retEnviNFe(cStat: string, reason: string, cUF: string, rest: string): string {
    return `<retEnviNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${header(cStat, reason)}<cUF>${cUF}</cUF><dhRecbto>${brasiliaNow()}</dhRecbto>${rest}</retEnviNFe>`;
  }

  function retAutorizacao(message: XmlNode): SimResponse {
    const receipt = textOf(message, 'nRec');
    const answer = (cStat: string, cUF: string, rest = '') =>
      soap(
        'NFeRetAutorizacao4',
        `<retConsReciNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic><nRec>${receipt}</nRec>` +
          `<cStat>${cStat}</cStat><xMotivo>${escapeXml(motivo(cStat))}</xMotivo><cUF>${cUF}</cUF><dhRecbto>${brasiliaNow()}</dhRecbto>${rest}</retConsReciNFe>`,
      );
    if (Number(textOf(message, 'tpAmb')) !== environment) return answer('252', receipt.slice(0, 2) || '35');
    const batch = receipts.get(receipt);
    if (!batch) return answer('106', receipt.slice(0, 2) || '35');
    if (batch.polls++ < (options.processingPolls ?? 0)) return answer('105', batch.cUF);
    return answer('104', batch.cUF, batch.protocols.join(''));
  }

  function consulta(message: XmlNode): SimResponse {
    const accessKey = textOf(message, 'chNFe');
    const answer = (cStat: string, rest = '') =>
      soap(
        'NFeConsultaProtocolo4',
        `<retConsSitNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${header(cStat, motivo(cStat))}<cUF>${accessKey.slice(0, 2) || '35'}</cUF>` +
          `<dhRecbto>${brasiliaNow()}</dhRecbto><chNFe>${accessKey}</chNFe>${rest}</retConsSitNFe>`,
      );
    if (Number(textOf(message, 'tpAmb')) !== environment) return answer('252');
    if (!isValidAccessKey(accessKey)) return answer('236');
    const note = authorized.get(accessKey);
    if (note?.cancellation) return answer('101', note.protNFeXml + note.cancellation.procEventoNFe);
    return note ? answer('100', note.protNFeXml) : answer('217');
  }

  /** Why a signed request is refused before its content is read: the signature (297/298), or a signer of another company (213). */
  function signatureProblem(xml: string, element: SignedElement, cnpj: string): { cStat: string; detail?: string } | undefined {
    const signature = verifyNfeSignature(xml, element);
    if (!signature.valid) return { cStat: /digest|signature value|SignatureValue/i.test(signature.reason ?? '') ? '297' : '298', detail: signature.reason };
    const signer = signature.certificatePem ? cnpjOfCertificate(signature.certificatePem) : undefined;
    if (!signer || signer.slice(0, 8) !== cnpj.slice(0, 8)) return { cStat: '213', detail: signer ? `certificado: ${signer}` : 'certificado sem CNPJ' };
    return undefined;
  }

  function voidedRangeOf(cnpj: string, model: number, series: number, number: number): VoidedRange | undefined {
    return voided.find((r) => r.cnpj === cnpj && r.model === model && r.series === series && r.from <= number && number <= r.to);
  }

  async function inutilizacao(req: SimRequest): Promise<SimResponse> {
    const [inut] = rawElements(req.rawBody, 'inutNFe');
    const infInut = (inut ? findElement(parseXml(inut), 'infInut') : undefined) ?? {};
    const field = (name: string) => textOf(infInut, name);
    const answer = (cStat: string, detail?: string, protocol?: string, receivedAt = brasiliaNow()) =>
      soap(
        'NFeInutilizacao4',
        `<retInutNFe xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><infInut${protocol ? ` Id="ID${protocol}"` : ''}>${header(cStat, motivo(cStat, detail))}<cUF>${field('cUF') || '35'}</cUF>` +
          ['ano', 'CNPJ', 'mod', 'serie', 'nNFIni', 'nNFFin'].map((name) => (/^\d+$/.test(field(name)) ? `<${name}>${field(name)}</${name}>` : '')).join('') +
          `<dhRecbto>${receivedAt}</dhRecbto>${protocol ? `<nProt>${protocol}</nProt>` : ''}</infInut></retInutNFe>`,
      );
    if (!inut) return answer('215', 'inutNFe ausente');
    const problems = await validateNfe(inut, 'inutNFe');
    if (problems.length) return answer('215', `${problems[0].path}: ${problems[0].message}`);
    if (Number(field('tpAmb')) !== environment) return answer('252');
    const cnpj = field('CNPJ');
    const signed = signatureProblem(inut, 'infInut', cnpj);
    if (signed) return answer(signed.cStat, signed.detail);
    const [model, series, from, to] = ['mod', 'serie', 'nNFIni', 'nNFFin'].map((name) => Number(field(name)));
    if (from > to) return answer('224');
    const used = [...authorized.values()].find((n) => n.cnpj === cnpj && n.model === model && n.series === series && from <= n.number && n.number <= to);
    if (used) return answer('241', `nNF ${used.number}`);
    const same = voided.find((r) => r.cnpj === cnpj && r.model === model && r.series === series && r.from === from && r.to === to);
    if (same) return answer('563', `nProt ${same.protocol}`);
    const overlap = voided.find((r) => r.cnpj === cnpj && r.model === model && r.series === series && r.from <= to && from <= r.to);
    if (overlap) return answer('256', `${overlap.from}-${overlap.to}`);
    const protocol = nextProtocol(field('cUF'));
    const receivedAt = brasiliaNow();
    voided.push({ cnpj, model, series, from, to, protocol, receivedAt });
    return answer('102', undefined, protocol, receivedAt);
  }

  async function recepcaoEvento(req: SimRequest): Promise<SimResponse> {
    const [envi] = rawElements(req.rawBody, 'envEvento');
    const envelope = (envi ? findElement(parseXml(envi), 'envEvento') : undefined) ?? {};
    const batch = (cStat: string, detail?: string, events = '') =>
      soap(
        'NFeRecepcaoEvento4',
        `<retEnvEvento xmlns="${NFE_NAMESPACE}" versao="1.00"><idLote>${textOf(envelope, 'idLote') || '0'}</idLote><tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic>` +
          `<cOrgao>35</cOrgao><cStat>${cStat}</cStat><xMotivo>${escapeXml(motivo(cStat, detail))}</xMotivo>${events}</retEnvEvento>`,
      );
    if (!envi) return batch('215', 'envEvento ausente');
    const types = [...envi.matchAll(/<tpEvento>(\d+)<\/tpEvento>/g)].map((m) => m[1]);
    if (types.some((type) => type !== '110111')) return fault('Receiver', `Only the cancellation event (110111) is simulated, not ${types.find((t) => t !== '110111')}.`);
    const problems = await validateNfe(envi, 'envEventoCancNFe');
    if (problems.length) return batch('215', `${problems[0].path}: ${problems[0].message}`);
    const answers = rawElements(envi, 'evento').map((evento) => cancellation(evento));
    return batch('128', undefined, answers.join(''));
  }

  /** One cancellation event's retEvento, registering it when the rules allow. */
  function cancellation(eventoXml: string): string {
    // Inherited from envEvento when not declared: the signature is over the namespaced element either way.
    const evento = /^<evento[^>]*\sxmlns=/.test(eventoXml) ? eventoXml : eventoXml.replace(/^<evento/, `<evento xmlns="${NFE_NAMESPACE}"`);
    const infEvento = findElement(parseXml(evento), 'infEvento') ?? {};
    const field = (name: string) => textOf(infEvento, name);
    const accessKey = field('chNFe');
    const sequence = field('nSeqEvento');
    const retEvento = (cStat: string, detail?: string, protocol?: string, registeredAt = brasiliaNow()) =>
      `<retEvento versao="1.00"><infEvento${protocol ? ` Id="ID${protocol}"` : ''}><tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic><cOrgao>${field('cOrgao') || '35'}</cOrgao>` +
      `<cStat>${cStat}</cStat><xMotivo>${escapeXml(motivo(cStat, detail))}</xMotivo><chNFe>${accessKey}</chNFe><tpEvento>${field('tpEvento')}</tpEvento>` +
      `${protocol ? '<xEvento>Cancelamento registrado</xEvento>' : ''}<nSeqEvento>${sequence}</nSeqEvento><dhRegEvento>${registeredAt}</dhRegEvento>${protocol ? `<nProt>${protocol}</nProt>` : ''}</infEvento></retEvento>`;
    if (Number(field('tpAmb')) !== environment) return retEvento('252');
    const cnpj = field('CNPJ');
    const signed = signatureProblem(evento, 'infEvento', cnpj);
    if (signed) return retEvento(signed.cStat, signed.detail);
    if (cnpj !== accessKey.slice(6, 20)) return retEvento('574');
    if (String(infEvento['@Id'] ?? '') !== `ID${field('tpEvento')}${accessKey}${sequence.padStart(2, '0')}`) return retEvento('572');
    const note = authorized.get(accessKey);
    if (!note) return retEvento('494');
    if (note.cancellation) return retEvento('573', `nProt:${note.cancellation.protocol}`);
    const detEvento = findElement(infEvento, 'detEvento');
    if (textOf(detEvento, 'nProt') !== note.protocol) return retEvento('222', `nProt da autorização: ${note.protocol}`);
    const deadline = CANCELLATION_DEADLINES[note.model] ?? CANCELLATION_DEADLINES[55];
    const age = Date.now() - Date.parse(note.receivedAt);
    if (age > deadline.late) return retEvento('501');
    const protocol = nextProtocol(accessKey.slice(0, 2));
    const registeredAt = brasiliaNow();
    const answer = retEvento(age > deadline.onTime ? '155' : '135', undefined, protocol, registeredAt);
    const procEventoNFe = `<procEventoNFe xmlns="${NFE_NAMESPACE}" versao="1.00">${evento}${answer}</procEventoNFe>`;
    note.cancellation = { protocol, registeredAt, procEventoNFe };
    return answer;
  }

  function statusServico(message: XmlNode): SimResponse {
    const cStat = Number(textOf(message, 'tpAmb')) !== environment ? '252' : '107';
    return soap(
      'NFeStatusServico4',
      `<retConsStatServ xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${header(cStat, motivo(cStat))}<cUF>${textOf(message, 'cUF') || '35'}</cUF>` +
        `<dhRecbto>${brasiliaNow()}</dhRecbto>${cStat === '107' ? `<tMed>${tMed}</tMed>` : ''}</retConsStatServ>`,
    );
  }

  /** A ret* answer carrying only a cStat (a service-wide fault), in the service's own element. */
  function serviceAnswer(service: SefazService, cStat: string): SimResponse {
    const name = RESULT_ELEMENTS[service] as string;
    const common = `${header(cStat, motivo(cStat))}<cUF>35</cUF><dhRecbto>${brasiliaNow()}</dhRecbto>`;
    if (service === 'NFeInutilizacao4') return soap(service, `<${name} xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}"><infInut>${common}</infInut></${name}>`);
    if (service === 'NFeRecepcaoEvento4') {
      return soap(service, `<${name} xmlns="${NFE_NAMESPACE}" versao="1.00"><idLote>0</idLote><tpAmb>${environment}</tpAmb><verAplic>${VERSION_APP}</verAplic><cOrgao>35</cOrgao><cStat>${cStat}</cStat><xMotivo>${escapeXml(motivo(cStat))}</xMotivo></${name}>`);
    }
    return soap(service, `<${name} xmlns="${NFE_NAMESPACE}" versao="${LAYOUT_VERSION}">${common}</${name}>`);
  }

  async function handle(service: SefazService, req: SimRequest): Promise<SimResponse> {
    requests[service]++;
    const contentType = String(req.headers['content-type'] ?? '');
    if (!/application\/soap\+xml/i.test(contentType)) return { status: 415, body: `Cannot process the message because the content type '${contentType}' was not the expected type 'application/soap+xml; charset=utf-8'.` };
    const action = /action="?([^";]+)"?/i.exec(contentType)?.[1];
    if (action && action !== soapAction(service)) return fault('Sender', `Unable to handle request. The action '${action}' was not recognized.`);
    const namespace = /<nfeDadosMsg[^>]*\sxmlns="([^"]+)"/.exec(req.rawBody)?.[1];
    if (namespace !== `${NFE_NAMESPACE}/wsdl/${service}`) return fault('Sender', `Unable to handle request without a valid nfeDadosMsg for ${service}.`);
    let body: XmlNode;
    try {
      body = findElement(parseXml(req.rawBody), 'nfeDadosMsg') as XmlNode;
    } catch (err) {
      return fault('Sender', `XML mal formado: ${(err as Error).message}`);
    }
    if (!RESULT_ELEMENTS[service]) return fault('Receiver', `${service} is not simulated.`);
    const unavailable = serviceFaults[0];
    if (unavailable && unavailable.authorisationsFirst > 0) {
      if (service === 'NFeAutorizacao4') unavailable.authorisationsFirst--;
    } else if (unavailable) {
      serviceFaults.shift();
      return serviceAnswer(service, unavailable.cStat);
    }
    switch (service) {
      case 'NFeAutorizacao4':
        return autorizacao(req);
      case 'NFeRetAutorizacao4':
        return retAutorizacao(findElement(body, 'consReciNFe') ?? {});
      case 'NFeConsultaProtocolo4':
        return consulta(findElement(body, 'consSitNFe') ?? {});
      case 'NFeInutilizacao4':
        return inutilizacao(req);
      case 'NFeRecepcaoEvento4':
        return recepcaoEvento(req);
      default:
        return statusServico(findElement(body, 'consStatServ') ?? {});
    }
  }

  const sim = await startSimServer({
    tls: { cert: server.certPem, key: server.keyPem, ca: ca.certPem, onHandshakeRefused: () => handshakeRefusals++ },
    port: options.port,
    routes: [...servicePaths()].map(([path, service]) => ({ method: 'POST', path, handler: (req: SimRequest) => handle(service, req) })),
    notFound: (req) => ({ status: 404, body: `No SEFAZ web service at ${req.method} ${req.path}` }),
  });

  return {
    ...sim,
    caCertificate: ca.certPem,
    environment,
    authorized,
    voided,
    requests,
    get handshakeRefusals() {
      return handshakeRefusals;
    },
    issueCertificate: (subject) => ca.issueA1(subject).pfxBase64,
    rejectNext: (cStat, reason) => noteFaults.push({ kind: 'reject', cStat, reason }),
    unavailableNext: (cStat = '108', options = {}) => serviceFaults.push({ cStat, authorisationsFirst: options.afterAuthorisations ?? 0 }),
    consumoIndevidoNext: () => serviceFaults.push({ cStat: '656', authorisationsFirst: 0 }),
    authorizeThenDrop: () => noteFaults.push({ kind: 'drop' }),
  };
}

