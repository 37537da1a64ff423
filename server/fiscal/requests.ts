/**
 * What a person asks SEFAZ about invoices already issued: voiding numbers never used
 * ("inutilização") and cancelling an authorised invoice (event 110111). Both follow the ledger's
 * rule for anything that changes SEFAZ's records: the request is checked against the ledger,
 * built, signed and schema-valid first, written `sending`, and only then sent; the answer (or its
 * absence) is recorded before the caller hears about it.
 *
 * A lost answer leaves the row `sending` and asks the person to send the same request again:
 * SEFAZ then answers 563 (that range is void) or 573 (that event is registered), which settles it
 * — a cancellation by consulting the key, whose answer carries the registered event.
 */
import { ConfigError, ConnectorError, Transient } from '../../connectors/http/errors';
import type { PacerRegistry } from '../../connectors/http/pacing';
import { openConnection } from '../../connectors/runtime';
import { a1Certificate, sefazSettings } from '../../connectors/sefaz/client';
import { cstatHintOf } from '../../connectors/sefaz/protocol';
import { findElement, parseXml, rawElements, textOf } from '../../connectors/sefaz/soap';
import type { ConnectionContext, FiscalSupport } from '../../connectors/types';
import { buildCancellation, buildInutilization, CANCELLATION_EVENT, type EventOutcome, type Model, signNfe, validateNfe } from '../../fiscal';
import { FiscalDataError } from '../../fiscal/errors';
import type { SchemaRoot } from '../../fiscal/nfe/schema';
import type { SignedElement } from '../../fiscal/nfe/sign';
import { issuerOf } from '../../nodes/emit-nf/issuer';
import { type AuditActor, audit } from '../audit/log';
import { loadOpenableConnection, requireConnection } from '../connections/store';
import type { Db } from '../db/client';
import type { SecretBox } from '../secrets/crypto';
import { BadInput, ConflictError } from '../errors';
import {
  documentsInRange,
  type FiscalDocument,
  type FiscalEvent,
  type FiscalVoid,
  getDocument,
  markVoided,
  nextNumberOf,
  recordEvent,
  recordVoid,
  type SeriesKey,
  updateDocument,
  updateEvent,
  updateVoid,
  voidedOverlapping,
} from './ledger';

export interface FiscalRequestDeps {
  db: Db;
  box: SecretBox;
  pacers: PacerRegistry;
}

/** How long one request to SEFAZ may take, handshake and answer. */
const REQUEST_TIMEOUT_MS = 60_000;

const MODEL_NAMES: Record<number, string> = { 55: 'NF-e', 65: 'NFC-e' };

interface OpenSefaz {
  ctx: ConnectionContext;
  fiscal: FiscalSupport;
  settings: Record<string, unknown>;
  credentials: Record<string, string>;
}

/**
 * The SEFAZ connection, opened for one request. Its configuration problems (no such connection,
 * incomplete issuer data, a certificate that cannot be used) are the request's conflict with how
 * things stand (409), not a failure of SEFAZ.
 */
async function openSefaz(deps: FiscalRequestDeps, tenantId: string, connectionId: string, what: string): Promise<OpenSefaz> {
  try {
    const conn = await loadOpenableConnection(deps.db, deps.box, tenantId, connectionId, {}, { evenIfStopped: true });
    const { connector, ctx } = openConnection(conn, deps.pacers, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    if (!connector.fiscal) throw new ConfigError(`Connection "${connectionId}" (${connector.name}) does not talk to SEFAZ: use the SEFAZ connection that issues the invoices`);
    return { ctx, fiscal: connector.fiscal, settings: conn.settings, credentials: conn.credentials };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConflictError(`Cannot ${what}: ${err.message}`);
    throw err;
  }
}

/** Signs and checks against the XSD before anything is recorded or sent. */
async function signedAndValid(open: OpenSefaz, xml: string, element: SignedElement, root: SchemaRoot, what: string): Promise<string> {
  let signed: string;
  try {
    signed = signNfe(xml, a1Certificate(open.credentials), element);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConflictError(`Cannot ${what}: ${err.message}`);
    throw err;
  }
  const problems = await validateNfe(signed, root);
  if (problems.length) throw new BadInput(problems.map((p) => ({ field: p.path, message: `${p.path}: ${p.message}` })));
  return signed;
}

/** A builder's complaint about the person's input (the reason's length, a character) is a 400 naming the field. */
function built<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof FiscalDataError) throw new BadInput([{ field: err.field, message: err.message }]);
    throw err;
  }
}

/**
 * Sends the request; a failure that is not SEFAZ's verdict is recorded before it goes on: no
 * answer leaves the row `sending` (send again), anything else (a refused certificate, a SOAP
 * fault) marks it rejected with the reason.
 */
async function sent<T>(send: () => Promise<T>, recordFailure: (reason: string) => Promise<unknown>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof ConnectorError && !(err instanceof Transient)) await recordFailure(err.message);
    throw err;
  }
}

/** What a request's row keeps of SEFAZ's answer; `done` when SEFAZ did what was asked (then it says when). */
function answerOf(outcome: { cStat: string; reason: string; protocol?: string; procXml?: string }, done: boolean, at: string | undefined) {
  return { cStat: outcome.cStat, reason: outcome.reason, protocol: outcome.protocol ?? null, procXml: outcome.procXml ?? null, doneAt: done ? new Date(at ?? Date.now()) : null };
}

const numbersText = (from: number, to: number) => (from === to ? `number ${from}` : `numbers ${from}-${to}`);

/** Why a number of the range cannot be voided, or undefined when it can (a rejected invoice's). */
function blockedBecause(doc: FiscalDocument): string | undefined {
  const whose = `invoice ${doc.number} (order ${doc.recordKey})`;
  switch (doc.status) {
    case 'rejected':
      return undefined;
    case 'authorized':
      return `${whose} is authorised (protocol ${doc.protocol}): an authorised invoice is cancelled, not voided`;
    case 'cancelled':
      return `${whose} was authorised and cancelled: its number was used`;
    case 'denied':
      return `${whose} was denied by SEFAZ (${doc.cStat}): a denial spends the number, there is nothing to void`;
    case 'voided':
      return `${whose} is voided already`;
    default:
      return `${whose} is being sent to SEFAZ (${doc.status}): wait for its answer`;
  }
}

export interface VoidRequest {
  connectionId: string;
  model: Model;
  series: number;
  from: number;
  to: number;
  /** xJust, 15 to 255 characters. */
  reason: string;
}

/**
 * Voids numbers `from`..`to` of a series at SEFAZ. Refused before anything is sent (409) when a
 * number belongs to an invoice that is not rejected, was voided already, or has not been reached
 * by the series yet (Ponte would issue it next). Returns the recorded request, whatever SEFAZ said.
 */
export async function voidNumbers(deps: FiscalRequestDeps, actor: AuditActor, input: VoidRequest): Promise<FiscalVoid> {
  const { db } = deps;
  const { tenantId } = actor.auth;
  const what = `void ${numbersText(input.from, input.to)} of series ${input.series}`;
  if (input.from > input.to) throw new BadInput([{ field: 'to', message: `to (${input.to}) must not be below from (${input.from})` }]);
  await requireConnection(db, tenantId, input.connectionId);
  const open = await openSefaz(deps, tenantId, input.connectionId, what);
  let issuerCnpj: string;
  let settings: ReturnType<typeof sefazSettings>;
  try {
    issuerCnpj = issuerOf(open.settings).cnpj;
    settings = sefazSettings(open.settings);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConflictError(`Cannot ${what}: ${err.message}`);
    throw err;
  }
  if (!open.fiscal.inutilize || !open.fiscal.models.includes(input.model)) {
    throw new BadInput([{ field: 'model', message: `This connection cannot void ${MODEL_NAMES[input.model] ?? `model ${input.model}`} numbers` }]);
  }
  const key: SeriesKey = { issuerCnpj, model: input.model, environment: settings.environment, series: input.series };
  const label = `${MODEL_NAMES[input.model]} series ${input.series}`;

  const blocked = (await documentsInRange(db, tenantId, key, input.from, input.to)).map(blockedBecause).filter(Boolean);
  if (blocked.length) throw new ConflictError(`Cannot void ${numbersText(input.from, input.to)} of ${label}: ${blocked.join('; ')}. Only numbers never used can be voided.`);
  const earlier = await voidedOverlapping(db, tenantId, key, input.from, input.to);
  if (earlier.length) {
    const list = earlier.map((v) => `${numbersText(v.fromNumber, v.toNumber)} on ${v.doneAt?.toISOString().slice(0, 10) ?? '?'} (protocol ${v.protocol ?? 'none'})`).join('; ');
    throw new ConflictError(`Cannot void ${numbersText(input.from, input.to)} of ${label}: SEFAZ voided ${list} already.`);
  }
  const next = await nextNumberOf(db, key);
  if (next !== undefined && input.to >= next) {
    throw new ConflictError(
      `Cannot void ${numbersText(input.from, input.to)} of ${label}: number ${Math.max(input.from, next)} has not been used yet — Ponte issues number ${next} next. Only numbers up to ${next - 1} can be voided.`,
    );
  }

  const request = built(() =>
    buildInutilization({ environment: settings.environment, uf: settings.uf, cnpj: issuerCnpj, model: input.model, series: input.series, from: input.from, to: input.to, reason: input.reason }),
  );
  const signed = await signedAndValid(open, request.xml, 'infInut', 'inutNFe', what);
  const justification = /<xJust>([^<]*)<\/xJust>/.exec(request.xml)?.[1] ?? input.reason;
  const row = await recordVoid(db, {
    tenantId,
    connectionId: input.connectionId,
    ...key,
    fromNumber: input.from,
    toNumber: input.to,
    justification,
    status: 'sending',
    requestedBy: actor.auth.name,
  });
  const outcome = await sent(
    () => open.fiscal.inutilize!(open.ctx, signed, input.model),
    (reason) => updateVoid(db, row.id, { status: 'rejected', reason }),
  );
  // 563: SEFAZ voided this very range before (an answer Ponte never heard): the numbers are void.
  const voided = outcome.kind === 'voided' || outcome.kind === 'duplicate';
  const stored = await updateVoid(db, row.id, { status: voided ? 'voided' : 'rejected', ...answerOf(outcome, voided, outcome.receivedAt) });
  const documents = voided ? await markVoided(db, tenantId, key, input.from, input.to) : [];
  await audit(db, actor, {
    action: 'fiscal.void',
    targetType: 'fiscal_void',
    targetId: String(row.id),
    details: { connectionId: input.connectionId, model: input.model, series: input.series, from: input.from, to: input.to, status: stored.status, cStat: outcome.cStat, protocol: outcome.protocol ?? null, documents },
  });
  return stored;
}

/** A cancellation registered earlier, as a consultation lists it: its procEventoNFe, protocol and time. */
function registeredCancellation(eventsXml: string[] | undefined): { procXml: string; protocol: string; registeredAt: string; cStat: string; reason: string } | undefined {
  for (const procXml of eventsXml ?? []) {
    const [evento] = rawElements(procXml, 'evento');
    const [retEvento] = rawElements(procXml, 'retEvento');
    if (!evento || !retEvento || textOf(findElement(parseXml(evento), 'infEvento'), 'tpEvento') !== CANCELLATION_EVENT) continue;
    const answer = findElement(parseXml(retEvento), 'infEvento');
    const cStat = textOf(answer, 'cStat');
    if (['135', '136', '155'].includes(cStat)) return { procXml, protocol: textOf(answer, 'nProt'), registeredAt: textOf(answer, 'dhRegEvento'), cStat, reason: textOf(answer, 'xMotivo') };
  }
  return undefined;
}

export interface CancelResult {
  document: FiscalDocument;
  event: FiscalEvent;
  /** SEFAZ's verdict, with a plain-words hint for a refusal (English) and its code (server/runs/hints.ts). */
  outcome: EventOutcome;
  hint: string;
  hintCode: string;
}

/**
 * Cancels an authorised invoice: the 110111 event naming its authorisation protocol. A refusal
 * by SEFAZ (deadline, protocol, already cancelled…) is recorded and returned, `event.status`
 * rejected; the caller decides how to answer. Refused before sending (409) when the invoice is
 * not authorised.
 */
export async function cancelDocument(deps: FiscalRequestDeps, actor: AuditActor, documentId: number, reason: string): Promise<CancelResult | undefined> {
  const { db } = deps;
  const { tenantId } = actor.auth;
  const doc = await getDocument(db, tenantId, documentId);
  if (!doc) return undefined;
  const what = `cancel invoice ${doc.number} (series ${doc.series})`;
  // A cancelled one goes to SEFAZ again: its answer (573) is the authority on the note, and what recovers a lost registration.
  if ((doc.status !== 'authorized' && doc.status !== 'cancelled') || !doc.protocol) {
    const instead = doc.status === 'rejected' ? ': SEFAZ never authorised it, so its number is voided instead ("Números a inutilizar")' : '';
    throw new ConflictError(`Cannot ${what}: it is ${doc.status}, and only an authorised invoice can be cancelled${instead}`);
  }
  const open = await openSefaz(deps, tenantId, doc.connectionId, what);
  if (!open.fiscal.sendEvent) throw new ConflictError(`Cannot ${what}: connection "${doc.connectionId}" does not register events`);
  const request = built(() =>
    buildCancellation({ environment: doc.environment as 1 | 2, accessKey: doc.accessKey, cnpj: doc.issuerCnpj, protocol: doc.protocol!, reason }),
  );
  const signed = await signedAndValid(open, request.xml, 'infEvento', 'envEventoCancNFe', what);
  const justification = /<xJust>([^<]*)<\/xJust>/.exec(request.xml)?.[1] ?? reason;
  const model = doc.model as Model;
  const row = await recordEvent(db, {
    tenantId,
    documentId: doc.id,
    connectionId: doc.connectionId,
    accessKey: doc.accessKey,
    type: request.type,
    sequence: request.sequence,
    justification,
    status: 'sending',
    requestedBy: actor.auth.name,
  });
  let outcome = await sent(
    () => open.fiscal.sendEvent!(open.ctx, signed, model),
    (failure) => updateEvent(db, row.id, { status: 'rejected', reason: failure }),
  );
  // Registered before, while the ledger still says authorised: the registration's answer was lost; the consultation has it.
  if (outcome.kind === 'duplicate' && doc.status === 'authorized') {
    const found = registeredCancellation((await open.fiscal.consult(open.ctx, doc.accessKey, model)).eventsXml);
    if (found) outcome = { kind: 'registered', cStat: found.cStat, reason: found.reason, accessKey: doc.accessKey, protocol: found.protocol, registeredAt: found.registeredAt, procXml: found.procXml };
  }
  const registered = outcome.kind === 'registered';
  const event = await updateEvent(db, row.id, { status: registered ? 'registered' : 'rejected', ...answerOf(outcome, registered, outcome.registeredAt) });
  let document = doc;
  if (registered) {
    await updateDocument(db, doc.id, { status: 'cancelled' });
    document = { ...doc, status: 'cancelled' };
  }
  await audit(db, actor, {
    action: 'fiscal.cancel',
    targetType: 'fiscal_document',
    targetId: String(doc.id),
    details: { accessKey: doc.accessKey, number: doc.number, series: doc.series, status: event.status, cStat: outcome.cStat, protocol: outcome.protocol ?? null },
  });
  return { document, event, outcome, ...cstatHintOf(outcome.cStat) };
}
