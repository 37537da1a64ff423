/**
 * WhatsApp Business Platform, Cloud API (hosted by Meta, Graph API): a notify channel. Ponte
 * sends approved templates or free text from one business phone number and follows each message
 * through the status webhook (accepted → sent → delivered → read, or failed). Facts from Meta's
 * Cloud API docs; see docs/connectors/whatsapp.md for what a seller needs to do.
 */
import { defineConnector } from '../types';
import { API_VERSION, authHeaders, classify, describeError, MESSAGES_PER_SECOND, phoneNumberId } from './client';
import { messaging } from './messages';
import { webhooks } from './webhooks';

export const whatsapp = defineConnector({
  id: 'whatsapp',
  role: 'other',
  name: 'WhatsApp Business (Cloud API)',
  description: 'Envio de mensagens pelo WhatsApp Business (API de Nuvem da Meta): modelos aprovados e texto, com status de entrega (enviada, entregue, lida, falhou).',
  defaultBaseUrl: `https://graph.facebook.com/${API_VERSION}`,
  credentialSchema: {
    type: 'object',
    required: ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken'],
    properties: {
      phoneNumberId: {
        type: 'string',
        title: 'Identificação do número de telefone',
        description: 'O "Phone number ID" do número que envia (WhatsApp → Configuração da API), não o número em si.',
      },
      accessToken: {
        type: 'string',
        title: 'Token de acesso (usuário do sistema)',
        description: 'Token permanente de um usuário do sistema com as permissões whatsapp_business_messaging e whatsapp_business_management.',
        secret: true,
      },
      appSecret: {
        type: 'string',
        title: 'Chave secreta do aplicativo',
        description: 'Configurações do app → Básico. Confere a assinatura (X-Hub-Signature-256) dos webhooks de status.',
        secret: true,
      },
      verifyToken: {
        type: 'string',
        title: 'Token de verificação do webhook',
        description: 'Um texto que você inventa e repete no campo "Verificar token" ao cadastrar o webhook na Meta.',
        secret: true,
      },
    },
  },
  credentialHelp: [
    'No Painel de Aplicativos da Meta (developers.facebook.com/apps), abra o app com o produto WhatsApp.',
    'Identificação do número de telefone: WhatsApp → Configuração da API ("API Setup"), no número que vai enviar as mensagens.',
    'Token de acesso: no Gerenciador de Negócios (business.facebook.com) → Configurações do negócio → Usuários → Usuários do sistema, crie um usuário do sistema, atribua a ele o app e a conta do WhatsApp Business e clique em "Gerar novo token" com as permissões whatsapp_business_messaging e whatsapp_business_management, sem expiração. O token temporário da Configuração da API vale só 24 horas.',
    'Chave secreta do aplicativo: Configurações do app → Básico → Chave secreta do aplicativo ("Mostrar").',
    'Token de verificação: invente um texto longo; ele vai aqui e no campo "Verificar token" do webhook (WhatsApp → Configuração → Webhook), junto com a URL de webhook desta conexão como "URL de retorno de chamada". Depois, em "Campos do webhook", assine o campo messages.',
  ].join('\n'),
  // Cloud API throughput: 80 messages/s per business number by default; raise it in the
  // connection's settings when Meta has raised the number's limit (up to 1,000).
  rateLimit: { requestsPerSecond: MESSAGES_PER_SECOND },
  authHeaders,
  // Throttles are recognised by their Graph error code (classify), each with its own wait.
  http: { classify, describeError },
  entities: {},
  messaging,
  webhooks,
  // GET /{phone-number-id}: the number's own record, the cheapest authenticated call.
  test: (ctx) => ctx.http.send({ method: 'GET', path: `/${phoneNumberId(ctx)}`, query: { fields: 'display_phone_number,verified_name' }, raw: true }, ctx.signal),
});
