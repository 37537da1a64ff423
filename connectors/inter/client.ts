/**
 * Banco Inter "API Cobrança" v3 (boleto com Pix) plumbing: the token (OAuth2 client
 * credentials at `/oauth/v2/token`, client id and secret as form fields, the certificate on the
 * TLS handshake), the optional `x-conta-corrente` header, and the cobrança as the API returns it
 * (`{cobranca, boleto, pix}`). Facts from Inter's API reference and its official SDKs
 * (inter-co/pj-sdk-python, pj-sdk-java).
 */
import { formatCents } from '../../payments/money';
import { bearerFromClientCredentials, type ClientCredentialsGrant } from '../http/client-credentials';
import type { AuthContext } from '../types';

export const PROVIDER = 'Banco Inter';
export const COBRANCAS = '/cobranca/v3/cobrancas';
export const TOKEN_PATH = '/oauth/v2/token';
export const SCOPES = 'boleto-cobranca.read boleto-cobranca.write';
/** Inter's published limit for the cobrança endpoints: 120 calls a minute. */
export const REQUESTS_PER_SECOND = 2;

/** `situacao` of a cobrança (pj-sdk BillingSituation). */
export type Situacao = 'RECEBIDO' | 'A_RECEBER' | 'MARCADO_RECEBIDO' | 'ATRASADO' | 'CANCELADO' | 'EXPIRADO' | 'FALHA_EMISSAO' | 'EM_PROCESSAMENTO' | 'PROTESTO' | string;

export interface InterPagador {
  cpfCnpj?: string;
  tipoPessoa?: 'FISICA' | 'JURIDICA';
  nome?: string;
  [field: string]: unknown;
}

/** `GET /cobrancas/{codigoSolicitacao}` and each item of the list. */
export interface InterCobranca {
  cobranca: {
    codigoSolicitacao: string;
    seuNumero: string;
    dataEmissao?: string;
    dataVencimento?: string;
    valorNominal?: number | string;
    situacao: Situacao;
    dataSituacao?: string;
    valorTotalRecebido?: number | string;
    origemRecebimento?: 'BOLETO' | 'PIX' | string;
    pagador?: InterPagador;
    [field: string]: unknown;
  };
  boleto?: { nossoNumero?: string; codigoBarras?: string; linhaDigitavel?: string };
  pix?: { txid?: string; pixCopiaECola?: string };
}

export interface InterPage {
  totalPaginas?: number;
  totalElementos?: number;
  ultimaPagina?: boolean;
  cobrancas?: InterCobranca[];
}

/** One item of the callback Inter posts (pj-sdk BillingPayload). */
export interface InterCallback {
  codigoSolicitacao?: string;
  seuNumero?: string;
  situacao?: Situacao;
  dataHoraSituacao?: string;
  valorTotalRecebido?: number | string;
  origemRecebimento?: string;
  nossoNumero?: string;
  codigoBarras?: string;
  linhaDigitavel?: string;
  txid?: string;
  pixCopiaECola?: string;
}

const GRANT: ClientCredentialsGrant = { provider: PROVIDER, tokenPath: TOKEN_PATH, scope: SCOPES, clientAuth: 'body' };

/** The current account, needed only when the application is linked to more than one ("x-conta-corrente"). */
export function contaCorrenteOf(credentials: Record<string, string>, settings: Record<string, unknown> = {}): string | undefined {
  const value = String(credentials.contaCorrente ?? settings.contaCorrente ?? '').replace(/\D/g, '');
  return value || undefined;
}

export async function authHeaders(credentials: Record<string, string>, connection?: AuthContext): Promise<Record<string, string>> {
  const headers = await bearerFromClientCredentials(credentials, connection, GRANT);
  const account = contaCorrenteOf(credentials, connection?.settings);
  return account ? { ...headers, 'x-conta-corrente': account } : headers;
}

/** Inter's amounts come as numbers (valorNominal) or text (valorTotalRecebido): "59.90" either way. */
export function reais(value: number | string | undefined): string {
  const n = typeof value === 'number' ? value : Number(String(value ?? '').replace(',', '.'));
  return Number.isFinite(n) && n >= 0 ? formatCents(Math.round(n * 100)) : '';
}
