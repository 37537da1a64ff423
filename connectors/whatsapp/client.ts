/**
 * WhatsApp Business Cloud API plumbing: the Graph API version, the phone number id every path
 * starts with, auth headers, phone normalisation and the Graph API error body. Facts from Meta's
 * Cloud API reference (messages, phone numbers, error codes, throughput).
 */
import type { HttpClientOptions, HttpResponse } from '../http/client';
import { retryAfterMs } from '../http/client';
import { AuthError, ConfigError, RateLimited, Transient, ValidationError } from '../http/errors';
import type { ConnectionContext } from '../types';

/**
 * Graph API version. Meta's changelog lists v26.0 (29 July 2026) as the latest; each version
 * lives about two years (v21.0 ends on 21 January 2027). A connection may pin another version
 * through its base URL.
 */
export const API_VERSION = 'v26.0';

/** Cloud API throughput: 80 messages per second per business phone number by default (up to 1,000 when Meta raises it). */
export const MESSAGES_PER_SECOND = 80;

/** The business phone number's id (not the phone number itself): every send goes to `/{id}/messages`. */
export function phoneNumberId(ctx: Pick<ConnectionContext, 'credentials'>): string {
  const id = String(ctx.credentials.phoneNumberId ?? '').trim();
  if (!/^\d+$/.test(id)) {
    throw new ConfigError(`WhatsApp needs the phone number ID (a number shown in WhatsApp → API Setup, not the phone number itself); got "${id}"`);
  }
  return id;
}

/** The Cloud API takes a system user's access token as a Bearer token. */
export function authHeaders(credentials: Record<string, string>): Record<string, string> {
  return { authorization: `Bearer ${credentials.accessToken ?? ''}` };
}

/** E.164 allows at most 15 digits; 8 is the shortest number with a country code worth trying. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

/**
 * A recipient as the Cloud API's `to` wants it: the full international number, digits only
 * ("+55 (11) 99999-8888" → "5511999998888"). Only the punctuation people write around a phone
 * number is dropped; anything else (letters, an e-mail, an extension) is refused, since guessing
 * would send a customer's message to someone else.
 */
export function normalisePhone(input: string): string {
  const raw = String(input ?? '').trim();
  if (!raw) throw new ValidationError('The WhatsApp recipient is empty: map the customer\'s phone number (with country code, e.g. +55 11 99999-8888) to "to"');
  if (!/^\+?[\d\s().\-]+$/.test(raw)) {
    throw new ValidationError(`"${raw}" is not a phone number: WhatsApp needs the number with its country code, e.g. +55 11 99999-8888`);
  }
  const digits = raw.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    throw new ValidationError(`"${raw}" has ${digits.length} digits; a WhatsApp number with its country code has ${MIN_DIGITS} to ${MAX_DIGITS} (e.g. 55 11 99999-8888)`);
  }
  // Country codes never start with 0: a leading 0 is a trunk or exit prefix ("011 …", "0055 …").
  if (digits.startsWith('0')) {
    throw new ValidationError(`"${raw}" starts with 0: write it with the country code and without trunk or exit prefixes, e.g. 55 11 99999-8888`);
  }
  return digits;
}

/** The Graph API error body: `{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}`. */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_msg?: string;
  error_data?: { messaging_product?: string; details?: string };
  fbtrace_id?: string;
}

export function graphError(body: unknown): GraphError | null {
  if (!body || typeof body !== 'object') return null;
  const error = (body as { error?: unknown }).error;
  return error && typeof error === 'object' ? (error as GraphError) : null;
}

/** The provider's words: message, details, code and the trace id Meta support asks for. */
export function describeError(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  const e = graphError(body);
  if (!e) return undefined;
  const parts: string[] = [];
  if (e.message) parts.push(e.message);
  const details = e.error_data?.details ?? e.error_user_msg;
  if (details && details !== e.message) parts.push(details);
  const tags: string[] = [];
  // Graph prefixes most messages with "(#code)"; add the code only when it does not.
  if (e.code !== undefined && !e.message?.includes(`#${e.code}`)) tags.push(`code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''}`);
  if (e.fbtrace_id) tags.push(`fbtrace_id ${e.fbtrace_id}`);
  const text = parts.join(': ');
  return tags.length ? `${text} (${tags.join(', ')})`.trim() : text || undefined;
}

/**
 * Codes that mean a person must act on the account, the app or the token before any message can
 * go: 190 invalid or expired token, 0/102/104 authentication, 3/10/200–299 missing permission
 * (whatsapp_business_messaging), 131005 access denied, 131031 account locked, 131042 payment
 * method problem, 368 blocked for policy violations.
 */
const ACCOUNT_CODES = new Set([0, 3, 10, 102, 104, 190, 368, 131005, 131031, 131042]);

/**
 * Throttles, with how long to hold back when Graph gives no Retry-After. 130429: the number's
 * throughput (80 messages/s) was exceeded; 131056: too many messages to the same customer in a
 * short time (Meta suggests waiting before messaging that pair again); 4 and 80007: the app's or
 * the WhatsApp Business Account's call-count limits, counted over a rolling hour.
 */
const THROTTLE_WAIT_MS: Record<number, number> = { 130429: 1_000, 131056: 6_000, 4: 60_000, 80007: 60_000 };

/**
 * Refusals of this one message, not of the connection: 100 invalid parameter, 131008/131009
 * missing or bad parameter, 131021 recipient is the sender, 131026 undeliverable (not on
 * WhatsApp, old app, terms not accepted), 131047 outside the 24-hour window (a template is
 * needed), 131051 unsupported message type, 132xxx template problems (does not exist in that
 * language, parameter count, paused or disabled template).
 */
const MESSAGE_CODES = new Set([100, 131008, 131009, 131021, 131026, 131047, 131051, 131052, 131053]);

/** 1 unknown, 2 service, 131000 "something went wrong", 131016 service unavailable, 133004 server temporarily unavailable. */
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 133004]);

/**
 * Graph answers most errors with HTTP 400 whatever their nature (a throttle, a bad template, a
 * server hiccup), so the `code` decides; the status only decides when the body has none.
 */
export function classify(res: HttpResponse): ReturnType<NonNullable<HttpClientOptions['classify']>> {
  if (res.status < 400) return null;
  const e = graphError(res.body);
  if (!e || typeof e.code !== 'number') return undefined;
  const providerMessage = describeError(res.body);
  const details = { status: res.status, providerMessage };
  const what = (kind: string) => `WhatsApp ${kind} (HTTP ${res.status}): ${providerMessage ?? 'no message'}`;
  const code = e.code;
  if (ACCOUNT_CODES.has(code) || (code >= 200 && code < 300)) return new AuthError(what('refused the account or token'), details);
  if (code in THROTTLE_WAIT_MS) return new RateLimited(what('is throttling'), retryAfterMs(res.headers) ?? THROTTLE_WAIT_MS[code], details);
  if (TRANSIENT_CODES.has(code) || res.status >= 500) return new Transient(what('failed'), details);
  if (MESSAGE_CODES.has(code) || (code >= 132000 && code < 133000)) return new ValidationError(what('refused the message'), details);
  return undefined;
}
