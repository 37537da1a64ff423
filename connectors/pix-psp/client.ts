/**
 * API Pix plumbing (BACEN's standard, bacen/pix-api openapi.yaml 2.x, implemented by every PSP
 * that offers it): the OAuth2 client-credentials grant with the spec's scopes, the receiver's
 * key, and the shapes of `Cob`/`CobV` and `Pix` as the spec defines them. Paths are the spec's
 * under `/v2`; the base URL is the PSP's (e.g. `https://pix.api.efipay.com.br`,
 * `https://cdpj.partners.bancointer.com.br/pix`).
 */
import { type ClientCredentialsGrant, bearerFromClientCredentials } from '../http/client-credentials';
import { ConfigError } from '../http/errors';
import type { AuthContext, ConnectionContext } from '../types';

export const PROVIDER = 'PSP (API Pix)';
export const DEFAULT_TOKEN_PATH = '/oauth/token';
/** What Ponte does: immediate and due-date charges, reading received Pix, the webhook. */
export const DEFAULT_SCOPES = 'cob.write cob.read cobv.write cobv.read pix.read webhook.write';

/** txid of a charge created with PUT (spec `TxId`): 26 to 35 letters and digits. */
export const TXID_PATTERN = /^[a-zA-Z0-9]{26,35}$/;
/** endToEndId (spec `EndToEndId`): 32 letters and digits. */
export const E2EID_PATTERN = /^[a-zA-Z0-9]{32}$/;

/** The spec's charge status; REMOVIDO_* is how the spec's prose spells it, REMOVIDA_* its enum. */
export type CobStatus = 'ATIVA' | 'CONCLUIDA' | 'REMOVIDA_PELO_USUARIO_RECEBEDOR' | 'REMOVIDA_PELO_PSP' | string;

export interface Pix {
  endToEndId: string;
  txid?: string;
  valor: string;
  chave?: string;
  horario: string;
  infoPagador?: string;
  devolucoes?: unknown;
  /** PSP extensions carrying the payer (not in BACEN's schema). */
  pagador?: { nome?: string };
  gnExtras?: { pagador?: { nome?: string } };
  [field: string]: unknown;
}

/** `CobGerada`/`CobCompleta` and their CobV twins, the fields Ponte reads. */
export interface Cob {
  txid: string;
  revisao?: number;
  status: CobStatus;
  calendario?: { criacao?: string; expiracao?: number | string; dataDeVencimento?: string; validadeAposVencimento?: number | string };
  loc?: { id?: number; location?: string; tipoCob?: string };
  location?: string;
  valor?: { original?: string };
  chave?: string;
  pixCopiaECola?: string;
  pix?: Pix[];
  [field: string]: unknown;
}

export interface Paginated {
  parametros?: { paginacao?: { paginaAtual?: number; itensPorPagina?: number; quantidadeDePaginas?: number; quantidadeTotalDeItens?: number } };
}

function grantOf(settings: Record<string, unknown>): ClientCredentialsGrant {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return {
    provider: PROVIDER,
    tokenPath: text(settings.tokenPath) ?? DEFAULT_TOKEN_PATH,
    scope: text(settings.scopes) ?? DEFAULT_SCOPES,
    // RFC 6749 makes HTTP Basic the method every server supports; a few PSPs want form fields.
    clientAuth: settings.clientAuth === 'body' ? 'body' : 'basic',
  };
}

export function authHeaders(credentials: Record<string, string>, connection?: AuthContext): Promise<Record<string, string>> {
  return bearerFromClientCredentials(credentials, connection, grantOf(connection?.settings ?? {}));
}

/** The receiver's Pix key (`chave`): charges and the webhook are set on it. */
export function pixKeyOf(ctx: Pick<ConnectionContext, 'credentials'>): string {
  const key = String(ctx.credentials.pixKey ?? '').trim();
  if (!key) throw new ConfigError('The Pix connection needs the receiver\'s Pix key ("Chave Pix"): the key, registered at this PSP, that receives the payments');
  return key;
}
