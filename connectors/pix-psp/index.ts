/**
 * Pix through any PSP that implements BACEN's API Pix (bacen/pix-api): immediate charges and
 * charges with a due date, received Pix as `payments` records, and the payment webhook. One
 * connector for every such PSP (banks, payment institutions): the base URL, token path and
 * scopes are the connection's. Mutual TLS with the certificate the PSP issued and OAuth2 client
 * credentials, as the spec and BACEN's security manual require. See docs/connectors/pix-psp.md.
 */
import { describeProblem } from '../http/problem';
import { clientTlsFromCredentials, mtlsAppCredentialFields } from '../http/tls';
import { defineConnector } from '../types';
import { payments } from './charges';
import { authHeaders } from './client';
import { paymentsEntity } from './payments';
import { webhooks } from './webhooks';

export const pixPsp = defineConnector({
  id: 'pix-psp',
  role: 'other',
  name: 'Pix (API Pix do Banco Central)',
  description: 'Cobranças Pix (imediatas e com vencimento) em qualquer PSP que implementa a API Pix do Banco Central, com os Pix recebidos e o webhook de pagamento.',
  defaultBaseUrl: 'https://{api-pix-do-seu-psp}',
  credentialSchema: {
    type: 'object',
    required: ['clientId', 'clientSecret', 'certificate', 'privateKey', 'pixKey'],
    properties: {
      ...mtlsAppCredentialFields({
        clientId: 'Identificador da aplicação criada na área de integrações / API Pix do seu banco ou instituição de pagamento.',
        clientSecret: 'O segredo (Client Secret) mostrado junto do Client ID ao criar a aplicação.',
        certificate: 'O certificado digital da aplicação, emitido pelo PSP para a API Pix, em PEM ("-----BEGIN CERTIFICATE-----"). Se veio em .p12/.pfx, converta para .pem.',
        privateKey: 'A chave privada do certificado, em PEM ("-----BEGIN PRIVATE KEY-----").',
      }),
      pixKey: {
        type: 'string',
        title: 'Chave Pix recebedora',
        description: 'A chave Pix (CNPJ, e-mail, telefone +55… ou chave aleatória) cadastrada neste PSP que recebe os pagamentos.',
      },
    },
  },
  credentialHelp: [
    'No internet banking da empresa, procure a área de integrações: "API Pix", "Aplicações", "Integrações" ou "Desenvolvedores", conforme o banco.',
    'Crie uma aplicação com as permissões (escopos) de cobrança imediata e com vencimento (cob, cobv), consulta de Pix (pix.read) e webhook (webhook.write). Anote o Client ID e o Client Secret.',
    'Baixe o certificado da aplicação e a chave privada (arquivos .crt e .key, ou um .p12 a converter para PEM) e cole o conteúdo dos dois aqui.',
    'Chave Pix recebedora: a chave cadastrada nesta mesma conta que vai receber os pagamentos.',
    'URL base: a da API Pix do seu PSP, sem o "/v2" (por exemplo https://pix.api.efipay.com.br ou https://cdpj.partners.bancointer.com.br/pix). Se o token ficar em outro endereço, informe-o em tokenPath nas configurações.',
  ].join('\n'),
  // 120 requests a minute is the lowest limit the large PSPs publish for API Pix; raise it in the
  // connection's settings for a PSP that allows more.
  rateLimit: { requestsPerSecond: 2, burst: 4 },
  authHeaders,
  tls: clientTlsFromCredentials,
  // RFC 7807 problems: title, detail, the error type and every violation; statuses decide the rest.
  http: { describeError: describeProblem, defaultRetryAfterMs: 1_000 },
  entities: { payments: paymentsEntity },
  payments,
  webhooks,
  // GET /v2/cob over the last minute: authenticated (token, certificate, scope cob.read), reads nothing.
  test: (ctx) => {
    const fim = new Date();
    const inicio = new Date(fim.getTime() - 60_000);
    return ctx.http.send({ method: 'GET', path: '/v2/cob', query: { inicio: inicio.toISOString(), fim: fim.toISOString() }, raw: true }, ctx.signal);
  },
});
