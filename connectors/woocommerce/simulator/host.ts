/**
 * What stands in front of WooCommerce's controllers: the web host or WAF (HTML answers, 429
 * with Retry-After) and WordPress's authentication of the key pair (WC_REST_Authentication).
 */
import { basicAuth, type SimRequest, type SimResponse } from '../../simulator-kit/server';
import { wpError } from './wp';

export type KeyPermissions = 'read' | 'write' | 'read_write';

/** What a WordPress site with plain permalinks (or a wrong path) answers: its home page, HTTP 200. */
export const homePage: SimResponse = {
  status: 200,
  headers: { 'content-type': 'text/html; charset=UTF-8' },
  body: '<!DOCTYPE html><html lang="pt-BR"><head><meta charset="UTF-8"><title>Loja Exemplo &#8211; Só mais um site WordPress</title></head><body class="home"><h1>Loja Exemplo</h1></body></html>',
};

/** nginx `limit_req` / a WAF rule: an HTML page, and Retry-After only when the host sends one. */
export function tooManyRequests(retryAfterSeconds: number | null): SimResponse {
  return {
    status: 429,
    headers: { 'content-type': 'text/html', ...(retryAfterSeconds !== null ? { 'retry-after': String(retryAfterSeconds) } : {}) },
    body: '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  };
}

export const serviceUnavailable: SimResponse = {
  status: 503,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>',
};

export interface KeyPair {
  consumerKey: string;
  consumerSecret: string;
}

/**
 * Who is calling: the key pair from the query string first, then HTTP Basic, as
 * WC_REST_Authentication::perform_basic_authentication does. `stripsAuthorization` plays a host
 * that removes the header before PHP sees it.
 */
export function authenticate(req: SimRequest, keys: KeyPair, permissions: KeyPermissions, stripsAuthorization: boolean): SimResponse | 'anonymous' | 'ok' {
  let key = req.query.get('consumer_key');
  let secret = req.query.get('consumer_secret');
  if (!key || !secret) {
    const basic = stripsAuthorization ? null : basicAuth(req);
    key = basic?.user ?? null;
    secret = basic?.password ?? null;
  }
  if (!key) return 'anonymous';
  const refuse = (message: string) => wpError(401, 'woocommerce_rest_authentication_error', message);
  if (key !== keys.consumerKey) return refuse('Consumer key is invalid.');
  if (secret !== keys.consumerSecret) return refuse('Consumer secret is invalid.');
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (reading && permissions === 'write') return refuse('The API key provided does not have read permissions.');
  if (!reading && permissions === 'read') return refuse('The API key provided does not have write permissions.');
  return 'ok';
}

/** Without credentials WordPress routes the request and the controller's permission check refuses it. */
export function refuseAnonymous(req: SimRequest): SimResponse {
  if (req.path.endsWith('/batch')) return wpError(401, 'woocommerce_rest_cannot_batch', 'Sorry, you are not allowed to batch manipulate this resource.');
  if (req.method === 'POST') return wpError(401, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.');
  if (req.method === 'PUT' || req.method === 'PATCH') return wpError(401, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
  if (req.method === 'DELETE') return wpError(401, 'woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.');
  return wpError(401, 'woocommerce_rest_cannot_view', /\/\d+$/.test(req.path) ? 'Sorry, you cannot view this resource.' : 'Sorry, you cannot list resources.');
}
