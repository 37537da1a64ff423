import { connectionParams } from '../fetch/definition';
import { type NodeDefinition, recordsIn, recordsOut } from '../types';

const expression = (title: string, description: string) => ({ type: 'string', minLength: 1, title, description, 'x-ponte-expression': true }) as const;

export const notifyNode: NodeDefinition = {
  type: 'notify',
  version: 1,
  kind: 'effect',
  category: 'target',
  needs: 'messaging',
  label: { 'pt-BR': 'Notificar', en: 'Notify' },
  description: {
    'pt-BR': 'Envia uma mensagem por registro — e-mail, WhatsApp (modelo aprovado), webhook assinado — uma única vez por conteúdo, mesmo se a execução for repetida.',
    en: 'Sends one message per record — e-mail, WhatsApp (approved template), signed webhook — once per content, even when the run is repeated.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId', 'to'],
    properties: {
      connectionId: connectionParams.connectionId,
      to: expression('To', 'JSONata giving the recipient: an e-mail, a phone (+55 11 99999-8888) or, for webhooks, any label, e.g. cliente.email'),
      subject: expression('Subject', 'E-mail: JSONata for the subject, e.g. "Pedido " & numero & " enviado"'),
      text: expression('Text', 'JSONata for the message text (e-mail body, SMS, WhatsApp text inside the 24 h window)'),
      template: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        title: 'WhatsApp template',
        description: 'An approved template: its name, language and the body parameters, each a JSONata expression.',
        properties: {
          name: { type: 'string', minLength: 1, title: 'Template name' },
          language: { type: 'string', minLength: 2, default: 'pt_BR', title: 'Language' },
          parameters: { type: 'array', items: { type: 'string', minLength: 1, 'x-ponte-expression': true }, title: 'Body parameters' },
        },
      },
      data: expression('Webhook body', 'Webhook: JSONata for the JSON body; default: the record'),
      attachInvoice: {
        type: 'boolean',
        default: false,
        title: 'Attach the invoice',
        description: 'E-mail: attaches the DANFE (PDF) and the XML of the invoice an "Emitir NF-e / NFC-e" block issued for the record before this one. A record without an authorised invoice fails, to be reprocessed.',
      },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
