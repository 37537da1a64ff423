/**
 * Banco Inter, "API Cobrança" v3: boletos with Pix (each boleto also carries a Pix copy-and-paste),
 * paid ones as `payments` records, and the cobrança callback. Mutual TLS with the certificate of
 * the application created in Inter's internet banking, and OAuth2 client credentials. See
 * docs/connectors/inter.md.
 */
import { describeProblem } from '../http/problem';
import { clientTlsFromCredentials, mtlsAppCredentialFields } from '../http/tls';
import { defineConnector } from '../types';
import { payments } from './charges';
import { authHeaders, COBRANCAS, REQUESTS_PER_SECOND } from './client';
import { paymentsEntity } from './payments';
import { todayInSaoPaulo } from '../../payments/boleto/due-date-factor';
import { webhooks } from './webhooks';

export const inter = defineConnector({
  id: 'inter',
  role: 'other',
  name: 'Banco Inter (boleto com Pix)',
  description: 'Boletos com Pix pela API Cobrança v3 do Banco Inter: emissão, consulta, boletos pagos e o webhook de pagamento.',
  defaultBaseUrl: 'https://cdpj.partners.bancointer.com.br',
  credentialSchema: {
    type: 'object',
    required: ['clientId', 'clientSecret', 'certificate', 'privateKey'],
    properties: {
      ...mtlsAppCredentialFields({
        clientId: 'Internet Banking PJ → Soluções para sua empresa → Nova integração: o "Client ID" da integração criada.',
        clientSecret: 'O "Client Secret" mostrado junto do Client ID na integração.',
        certificate: 'O arquivo .crt baixado ao criar a integração ("Inter_API_Certificado.crt"), colado em PEM.',
        privateKey: 'O arquivo .key baixado junto ("Inter_API_Chave.key"), colado em PEM.',
      }),
      contaCorrente: {
        type: 'string',
        title: 'Conta corrente (opcional)',
        description: 'Só quando a integração está ligada a mais de uma conta: o número da conta que emite os boletos (enviado no cabeçalho x-conta-corrente).',
      },
    },
  },
  credentialHelp: [
    'No Internet Banking PJ do Inter: Soluções para sua empresa → Nova integração (ou "API" / "Integrações").',
    'Marque as permissões "Emitir boletos (boleto-cobranca.write)" e "Consultar boletos (boleto-cobranca.read)" e confirme.',
    'Baixe a chave e o certificado da integração (um .zip com Inter_API_Certificado.crt e Inter_API_Chave.key). Abra os dois num editor de texto e cole o conteúdo aqui, incluindo as linhas BEGIN e END.',
    'Client ID e Client Secret: na lista de integrações, em "Ver detalhes" da integração criada.',
    'O certificado vale por um ano: renove-o no mesmo menu antes de vencer e atualize esta conexão.',
    'Para o ambiente de testes (sandbox), use a URL base https://cdpj-sandbox.partners.uatinter.co com as credenciais do sandbox.',
  ].join('\n'),
  rateLimit: { requestsPerSecond: REQUESTS_PER_SECOND, burst: 4 },
  authHeaders,
  tls: clientTlsFromCredentials,
  // Inter's errors are `{title, detail, timestamp, violacoes}`; its SDK waits a minute after a 429.
  http: { describeError: describeProblem, defaultRetryAfterMs: 60_000 },
  entities: { payments: paymentsEntity },
  payments,
  webhooks,
  // Today's cobranças, one per page: the token, the certificate and the read scope in one call.
  test: (ctx) => {
    const today = todayInSaoPaulo();
    return ctx.http.send({ method: 'GET', path: COBRANCAS, query: { dataInicial: today, dataFinal: today, 'paginacao.itensPorPagina': 1 }, raw: true }, ctx.signal);
  },
});
