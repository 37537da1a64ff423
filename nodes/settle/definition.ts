import { connectionParams } from '../fetch/definition';
import { type NodeDefinition, recordsIn, recordsOut } from '../types';

export const settleNode: NodeDefinition = {
  type: 'settle',
  version: 1,
  kind: 'effect',
  category: 'target',
  needs: 'receivables',
  label: { 'pt-BR': 'Baixar recebimento', en: 'Settle payment' },
  description: {
    'pt-BR':
      'Para cada pagamento recebido (Pix, boleto), encontra a cobrança que a Ponte gerou e dá baixa na conta a receber do pedido no ERP — uma única vez por pagamento, mesmo que o aviso chegue repetido.',
    en: "For each payment received (Pix, boleto), finds the charge Ponte created and settles the order's receivable at the ERP — once per payment, even when the notice arrives twice.",
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId'],
    properties: {
      connectionId: { ...connectionParams.connectionId, description: 'The ERP whose receivable is settled (Bling)' },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
