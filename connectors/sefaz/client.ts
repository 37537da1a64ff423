/**
 * The SEFAZ transport: the A1 certificate for mutual TLS, the endpoint for the connection's UF,
 * model and environment, and the four operations the emit-nf node needs. Each request goes
 * through the connection's shared HTTP client (its mTLS agent, timeouts, metrics); the answers
 * are read into SefazOutcome.
 *
 * Retries: status, consult and receipt polls are read-only and retried in-process on transport
 * failures. Sending a note is not: a lost answer may hide an authorisation, so it surfaces as
 * Transient and the caller consults the key before sending the same XML again (MOC 7.0; a
 * blind resend risks 204 at best and 656 "consumo indevido" at worst).
 */
import { createHash } from 'node:crypto';
import { readA1 } from '../../fiscal/nfe/certificate';
import { isValidAccessKey } from '../../fiscal/nfe/access-key';
import type { A1Certificate, Environment, EventOutcome, InutilizationOutcome, Model, SefazOutcome } from '../../fiscal/types';
import { excerpt, type HttpRequest, type HttpResponse } from '../http/client';
import { ConfigError, type ConnectorError, Transient, ValidationError } from '../http/errors';
import { sleep } from '../http/pacing';
import { withInlineRetry } from '../http/retry';
import { type ClientTls, normalizePem } from '../http/tls';
import type { ConnectionContext, FiscalServiceStatus } from '../types';
import { type Authoriser, ENDPOINTS, isUf, type SefazService, serviceUrl, type Uf, ufCodeOf, ufOfCode } from './endpoints';
import { eventKind, eventProc, inutilizationKind, inutilizationProc, outcomeOf, outcomeOfProtocol, signedNfeFacts } from './protocol';
import {
  consReciNFeMessage,
  consSitNFeMessage,
  consStatServMessage,
  enviNFeMessage,
  findElement,
  parseXml,
  rawElements,
  readSoapAnswer,
  soapContentType,
  soapEnvelope,
  stripXmlDeclaration,
  textOf,
  type XmlNode,
} from './soap';

/** The connection's non-secret settings the transport reads (the issuer's data is the emit-nf node's). */
export interface SefazSettings {
  uf: Uf;
  environment: Environment;
  /** Forces an authoriser, e.g. "SVC-AN" / "SVC-RS" while the UF's own is in contingency. */
  authoriser?: Authoriser;
}

export function sefazSettings(settings: Record<string, unknown>): SefazSettings {
  const uf = String(settings.uf ?? '').toUpperCase();
  if (!isUf(uf)) throw new ConfigError(`The SEFAZ connection needs its UF (setting "uf", e.g. "SP"); got "${settings.uf ?? ''}"`);
  const environment = Number(settings.environment);
  if (environment !== 1 && environment !== 2) {
    throw new ConfigError(`The SEFAZ connection needs its environment (setting "environment": 1 produção or 2 homologação); got "${settings.environment ?? ''}"`);
  }
  const authoriser = settings.authoriser ? String(settings.authoriser) : undefined;
  if (authoriser && !(authoriser in ENDPOINTS[55]) && !(authoriser in ENDPOINTS[65])) {
    throw new ConfigError(`Unknown SEFAZ authoriser "${authoriser}" (setting "authoriser"): use one of ${Object.keys(ENDPOINTS[55]).join(', ')}`);
  }
  return { uf, environment, ...(authoriser ? { authoriser: authoriser as Authoriser } : {}) };
}

// Reading a PKCS#12 decrypts it (RC2/3DES/AES) and parses the key: done once per file and password.
const certificates = new Map<string, A1Certificate>();

/**
 * The connection's A1 certificate, read from the PKCS#12 (base64) and its password. Throws a
 * ConfigError a person can act on: no file, the wrong password (readA1's message), expired.
 */
export function a1Certificate(credentials: Record<string, string>, now = new Date()): A1Certificate {
  const pfx = String(credentials.certificate ?? '').replace(/\s/g, '');
  if (!pfx) throw new ConfigError('The SEFAZ connection has no A1 certificate: upload the company\'s .pfx file (e-CNPJ A1) in "Certificado A1".');
  const password = String(credentials.certificatePassword ?? '');
  const id = createHash('sha256').update(pfx).update('\0').update(password).digest('hex');
  let certificate = certificates.get(id);
  if (!certificate) {
    certificate = readA1(pfx, password);
    certificates.set(id, certificate);
  }
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (certificate.notAfter.getTime() < now.getTime()) {
    throw new ConfigError(`The A1 certificate expired on ${day(certificate.notAfter)} (${certificate.subject}): SEFAZ refuses it. Renew it with the certificate authority and upload the new .pfx.`);
  }
  if (certificate.notBefore.getTime() > now.getTime()) {
    throw new ConfigError(`The A1 certificate is valid only from ${day(certificate.notBefore)} (${certificate.subject}): check the server's clock or wait until then.`);
  }
  return certificate;
}

/**
 * The connection's `tls(credentials)`: the A1 certificate (with its chain, which SEFAZ needs to
 * validate it) and an optional CA for simulators or an ICP-Brasil bundle. A certificate that
 * cannot be read yields none here: every operation reads it first and explains the problem
 * (wrong password, expired) before anything is sent, and opening the connection still works.
 */
export function sefazTls(credentials: Record<string, string>): ClientTls {
  const ca = normalizePem(credentials.caCertificate);
  const withCa = ca ? { ca } : {};
  try {
    const a1 = a1Certificate(credentials);
    return { cert: [a1.certPem, ...a1.chainPem].map((pem) => normalizePem(pem)).join(''), key: a1.keyPem, ...withCa };
  } catch {
    return { cert: '', key: '', ...withCa };
  }
}

interface SoapCall {
  service: SefazService;
  model: Model;
  message: string;
  /** The `ret*` element the answer carries. */
  result: string;
  /** The authoriser's UF when it is not the connection's (a key of another UF). */
  uf?: Uf;
}

function endpointOf(ctx: ConnectionContext, call: Pick<SoapCall, 'service' | 'model' | 'uf'>): string {
  const settings = sefazSettings(ctx.settings);
  const url = serviceUrl({ ...settings, uf: call.uf ?? settings.uf, model: call.model, service: call.service, baseUrl: ctx.baseUrl });
  if (!url) throw new ConfigError(`SEFAZ ${settings.authoriser ?? settings.uf} has no ${call.service} for model ${call.model} in environment ${settings.environment}`);
  return url;
}

function soapRequest(ctx: ConnectionContext, call: SoapCall, raw = false): HttpRequest {
  return {
    method: 'POST',
    path: endpointOf(ctx, call),
    body: soapEnvelope(call.service, call.message),
    headers: { 'content-type': soapContentType(call.service), accept: 'application/soap+xml, text/xml' },
    raw,
  };
}

/** One SOAP exchange: the parsed `ret*` element and the answer's text. HTTP and SOAP errors were raised by `classifySoap`. */
async function send(ctx: ConnectionContext, call: SoapCall): Promise<{ result: XmlNode; text: string }> {
  a1Certificate(ctx.credentials);
  const res = await ctx.http.send<string>(soapRequest(ctx, call), ctx.signal);
  const { result } = readSoapAnswer(res.text, call.result);
  if (!result) throw new Transient(`SEFAZ ${call.service} answered without <${call.result}>: ${excerpt(res.text, 200)}`, { status: res.status });
  return { result, text: res.text };
}

/**
 * The connector's `http.classify`. SEFAZ puts its verdicts (rejections, "paralisado") inside a
 * SOAP answer with HTTP 200, which the operations read, and its faults in HTTP 500 with a SOAP
 * fault: "Sender" means it could not take the request at all (a URL or action that is not the
 * service's: the settings are wrong), "Receiver" is its own failure, worth retrying. Anything
 * else (a proxy's page, 403 from a server refusing the certificate) is classified by status.
 */
export function classifySoap(res: HttpResponse): ConnectorError | null | undefined {
  const { result, fault } = readSoapAnswer(res.text);
  if (fault) {
    const message = `SEFAZ answered a SOAP fault (${fault.code}): ${fault.reason}`;
    const details = { status: res.status, providerMessage: fault.reason };
    return /sender|client/i.test(fault.code) ? new ConfigError(`${message}. Check the connection's UF, environment and base URL.`, details) : new Transient(message, details);
  }
  return result && res.status < 300 ? null : undefined;
}

/**
 * A lost answer to a request that changes SEFAZ's records (a note, a voiding, an event) may hide
 * a success: the Transient says so and what to do, and is marked ambiguous.
 */
function ambiguous(advice: string, facts: Record<string, unknown>) {
  return (err: unknown): never => {
    if (err instanceof Transient) {
      throw new Transient(`${err.message}. ${advice}`, {
        status: err.status,
        providerMessage: err.providerMessage,
        facts: { ...facts, ambiguous: true },
      });
    }
    throw err;
  };
}

function idLoteOf(idLote: string): string {
  const value = String(idLote);
  if (!/^\d{1,15}$/.test(value)) throw new ValidationError(`idLote must be 1 to 15 digits, got "${idLote}"`);
  return value;
}

export interface AuthorizeOptions {
  model: Model;
  /** The batch's number (TIdLote, up to 15 digits): Ponte's, e.g. from the note's number. */
  idLote: string;
  /** indSinc 1: the protocol comes in the answer. Otherwise a receipt is polled (NFC-e is always sync). */
  sync: boolean;
  /** Receipt polls before giving up (the note may still be authorised later: consult it). */
  maxPolls?: number;
}

/**
 * Sends one signed NF-e / NFC-e (NFeAutorizacao4) and returns SEFAZ's verdict. An async batch
 * (or a sync one the authoriser chose to process later, as some do) is polled with
 * NFeRetAutorizacao4 after the tMed SEFAZ announced. Throws Transient when no answer came.
 */
export async function authorize(ctx: ConnectionContext, signedNfeXml: string, options: AuthorizeOptions): Promise<SefazOutcome> {
  const { accessKey } = signedNfeFacts(signedNfeXml);
  const { result, text } = await send(ctx, {
    service: 'NFeAutorizacao4',
    model: options.model,
    message: enviNFeMessage(signedNfeXml, idLoteOf(options.idLote), options.sync),
    result: 'retEnviNFe',
  }).catch(ambiguous(`NF-e ${accessKey} may have been authorised all the same: consult its key before sending it again.`, { accessKey }));
  const cStat = textOf(result, 'cStat');
  if (cStat === '104') return protocolFor(text, accessKey, result);
  if (cStat === '103') {
    const infRec = result.infRec as XmlNode | undefined;
    return pollReceipt(ctx, options, accessKey, textOf(infRec, 'nRec'), Number(textOf(infRec, 'tMed')) || 1);
  }
  return outcomeOf(cStat, textOf(result, 'xMotivo'), accessKey);
}

/** The note's protNFe in a processed batch; the batch's own cStat when it has none. */
function protocolFor(text: string, accessKey: string, result: XmlNode): SefazOutcome {
  const protocols = rawElements(text, 'protNFe');
  const mine = protocols.find((p) => p.includes(accessKey)) ?? protocols[0];
  return mine ? outcomeOfProtocol(mine) : outcomeOf(textOf(result, 'cStat'), textOf(result, 'xMotivo'), accessKey);
}

// tMed is SEFAZ's own estimate; polling sooner is what earns 656 "consumo indevido".
const MAX_POLL_WAIT_SECONDS = 30;

async function pollReceipt(ctx: ConnectionContext, options: AuthorizeOptions, accessKey: string, receipt: string, tMed: number): Promise<SefazOutcome> {
  if (!/^\d{15}$/.test(receipt)) throw new Transient(`SEFAZ received NF-e ${accessKey} but answered no valid receipt (nRec "${receipt}"): consult its key`, { facts: { accessKey, ambiguous: true } });
  const { environment } = sefazSettings(ctx.settings);
  const polls = options.maxPolls ?? 6;
  let wait = tMed;
  for (let poll = 1; poll <= polls; poll++) {
    await sleep(Math.min(Math.max(wait, 1), MAX_POLL_WAIT_SECONDS) * 1000, ctx.signal);
    const { result, text } = await withInlineRetry(
      () => send(ctx, { service: 'NFeRetAutorizacao4', model: options.model, message: consReciNFeMessage(environment, receipt), result: 'retConsReciNFe' }),
      { signal: ctx.signal },
    );
    const cStat = textOf(result, 'cStat');
    if (cStat === '104') return protocolFor(text, accessKey, result);
    if (cStat === '106') {
      // The receipt is gone (expired, or asked of another authoriser): the note's fate is unknown, not rejected.
      throw new Transient(`SEFAZ no longer knows the receipt ${receipt} of NF-e ${accessKey} (106): consult its key`, { facts: { accessKey, receipt, ambiguous: true } });
    }
    if (cStat !== '105') return outcomeOf(cStat, textOf(result, 'xMotivo'), accessKey);
    wait = Number(textOf(result, 'tMed')) || wait;
  }
  throw new Transient(`SEFAZ is still processing the batch of NF-e ${accessKey} (nRec ${receipt}) after ${polls} polls: consult its key later`, {
    facts: { accessKey, receipt, ambiguous: true },
  });
}

/**
 * What SEFAZ knows of a key (NFeConsultaProtocolo4, consSitNFe): 100/150 with the protNFe when
 * authorised; cStat 217 ("não consta na base"), kind `rejected`, when it has never authorised it,
 * so it is safe to send. The UF in the key picks the authoriser.
 */
export async function consult(ctx: ConnectionContext, accessKey: string, model: Model): Promise<SefazOutcome> {
  if (!isValidAccessKey(accessKey)) throw new ValidationError(`"${accessKey}" is not an access key (44 digits with a valid check digit)`);
  const { environment } = sefazSettings(ctx.settings);
  const { result, text } = await withInlineRetry(
    () =>
      send(ctx, {
        service: 'NFeConsultaProtocolo4',
        model,
        message: consSitNFeMessage(environment, accessKey),
        result: 'retConsSitNFe',
        uf: ufOfCode(accessKey.slice(0, 2)),
      }),
    { signal: ctx.signal },
  );
  const cStat = textOf(result, 'cStat');
  const [protocol] = rawElements(text, 'protNFe');
  // A cancellation (or a CC-e) comes as procEventoNFe next to the protocol: what recovers a cancellation whose answer was lost.
  const events = rawElements(text, 'procEventoNFe');
  const withEvents = <T extends SefazOutcome>(outcome: T): T => (events.length ? { ...outcome, eventsXml: events } : outcome);
  if (protocol && (cStat === '100' || cStat === '150')) return withEvents(outcomeOfProtocol(protocol));
  const outcome = outcomeOf(cStat, textOf(result, 'xMotivo'), accessKey);
  // A cancelled or denied note still carries its protocol: the caller may want it.
  return withEvents(protocol ? { ...outcome, protNFeXml: protocol } : outcome);
}


/**
 * Voids a range of numbers never used (NFeInutilizacao4): the inutNFe signed on infInut, sent
 * as it is. 102 gives the protocol and the procInutNFe to keep; 563 means this very range was
 * voided before. Not retried in-process: a lost answer surfaces as Transient.
 */
export async function inutilize(ctx: ConnectionContext, signedInutXml: string, model: Model): Promise<InutilizationOutcome> {
  const request = stripXmlDeclaration(signedInutXml);
  const infInut = findElement(parseXml(request), 'infInut');
  if (!infInut) throw new ValidationError('inutilize: the XML is not an inutNFe (no <infInut>)');
  const range = `${textOf(infInut, 'nNFIni')}-${textOf(infInut, 'nNFFin')}`;
  const { result, text } = await send(ctx, { service: 'NFeInutilizacao4', model, message: request, result: 'retInutNFe', uf: ufOfCode(textOf(infInut, 'cUF')) }).catch(
    ambiguous(`SEFAZ may have voided numbers ${range} all the same: send the same request again (it answers 563 if they are void).`, { range, series: textOf(infInut, 'serie') }),
  );
  const answer = findElement(result, 'infInut') ?? result;
  const cStat = textOf(answer, 'cStat');
  const kind = inutilizationKind(cStat);
  const protocol = textOf(answer, 'nProt');
  const receivedAt = textOf(answer, 'dhRecbto');
  const [retInutNFe] = rawElements(text, 'retInutNFe');
  return {
    kind,
    cStat,
    reason: textOf(answer, 'xMotivo'),
    ...(protocol ? { protocol } : {}),
    ...(receivedAt ? { receivedAt } : {}),
    ...(kind === 'voided' && retInutNFe ? { procXml: inutilizationProc(request, retInutNFe) } : {}),
  };
}

/**
 * Registers one event (NFeRecepcaoEvento4): the envEvento whose evento is signed on infEvento,
 * sent as it is, at the authoriser of the note's UF. The batch's 128 carries the event's own
 * retEvento: 135/136/155 registered (with the procEventoNFe to keep), 573 registered before, or
 * a rejection. Not retried in-process: a lost answer surfaces as Transient.
 */
export async function sendEvent(ctx: ConnectionContext, signedEventXml: string, model: Model): Promise<EventOutcome> {
  const request = stripXmlDeclaration(signedEventXml);
  const infEvento = findElement(parseXml(request), 'infEvento');
  if (!infEvento) throw new ValidationError('sendEvent: the XML is not an envEvento (no <infEvento>)');
  const accessKey = textOf(infEvento, 'chNFe');
  const type = textOf(infEvento, 'tpEvento');
  const { result, text } = await send(ctx, { service: 'NFeRecepcaoEvento4', model, message: request, result: 'retEnvEvento', uf: ufOfCode(accessKey.slice(0, 2)) }).catch(
    ambiguous(`SEFAZ may have registered event ${type} of NF-e ${accessKey} all the same: send it again (it answers 573 if it was) or consult the key.`, { accessKey, eventType: type }),
  );
  const [retEvento] = rawElements(text, 'retEvento');
  // No retEvento: the batch itself was refused (schema, environment, SEFAZ down).
  if (!retEvento) {
    const cStat = textOf(result, 'cStat');
    return { kind: cStat === '128' ? 'rejected' : eventKind(cStat), cStat, reason: textOf(result, 'xMotivo'), accessKey };
  }
  const answer = findElement(parseXml(retEvento), 'infEvento');
  const cStat = textOf(answer, 'cStat');
  const kind = eventKind(cStat);
  const protocol = textOf(answer, 'nProt');
  const registeredAt = textOf(answer, 'dhRegEvento');
  return {
    kind,
    cStat,
    reason: textOf(answer, 'xMotivo'),
    accessKey,
    ...(protocol ? { protocol } : {}),
    ...(registeredAt ? { registeredAt } : {}),
    ...(kind === 'registered' ? { procXml: eventProc(request, retEvento) } : {}),
  };
}

function statusRequest(ctx: ConnectionContext, model: Model): SoapCall {
  const { uf, environment } = sefazSettings(ctx.settings);
  return { service: 'NFeStatusServico4', model, message: consStatServMessage(environment, ufCodeOf(uf)), result: 'retConsStatServ' };
}

/** Whether the authoriser is working (NFeStatusServico4: 107), with its tMed and, when down, its forecast. */
export async function status(ctx: ConnectionContext, model: Model): Promise<FiscalServiceStatus> {
  const { result } = await withInlineRetry(() => send(ctx, statusRequest(ctx, model)), { signal: ctx.signal });
  const cStat = textOf(result, 'cStat');
  const tMed = textOf(result, 'tMed');
  const back = textOf(result, 'dhRetorno');
  const note = textOf(result, 'xObs');
  return {
    cStat,
    reason: textOf(result, 'xMotivo'),
    available: cStat === '107',
    ...(tMed ? { averageSeconds: Number(tMed) } : {}),
    ...(back ? { expectedBackAt: back } : {}),
    ...(note ? { note } : {}),
  };
}

/** "Testar conexão": the status service, answered raw, after the certificate was read (its problems are the usual ones). */
export async function testStatus(ctx: ConnectionContext) {
  a1Certificate(ctx.credentials);
  return ctx.http.send(soapRequest(ctx, statusRequest(ctx, 55), true), ctx.signal);
}
