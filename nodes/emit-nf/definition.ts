import { connectionParams } from '../fetch/definition';
import { type JsonSchema, type NodeDefinition, recordsIn, recordsOut } from '../types';

const expression = (title: string, description: string): JsonSchema => ({ type: 'string', minLength: 1, title, description, 'x-ponte-expression': true });

export const emitNfNode: NodeDefinition = {
  type: 'emit-nf',
  version: 1,
  kind: 'effect',
  category: 'target',
  needs: 'fiscal',
  label: { 'pt-BR': 'Emitir NF-e / NFC-e', en: 'Issue NF-e / NFC-e' },
  description: {
    'pt-BR':
      'Emite a nota fiscal do pedido (NF-e modelo 55 ou NFC-e modelo 65, layout 4.00): monta o XML, valida no schema oficial, assina com o certificado A1 e transmite à SEFAZ — uma única nota por pedido, mesmo se a execução for repetida. Passa adiante a chave, o protocolo e o XML em `nfe`.',
    en: "Issues the order's invoice (NF-e model 55 or NFC-e model 65, layout 4.00): builds the XML, validates it against the official schema, signs it with the A1 certificate and sends it to SEFAZ — one invoice per order, even when the run is repeated. Passes on the key, protocol and XML in `nfe`.",
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId', 'items'],
    properties: {
      connectionId: { ...connectionParams.connectionId, description: 'The issuer: a SEFAZ connection with the A1 certificate and the company data' },
      model: { type: 'integer', enum: [55, 65], default: 55, title: 'Model', description: '55 NF-e (sales to companies, shipped orders); 65 NFC-e (consumer, in store)' },
      series: { type: 'integer', minimum: 0, maximum: 999, default: 1, title: 'Series' },
      firstNumber: { type: 'integer', minimum: 1, maximum: 999999999, default: 1, title: 'First number', description: 'Where numbering starts when Ponte takes over the series from another system' },
      operation: { type: 'string', minLength: 1, maxLength: 60, default: 'VENDA', title: 'Natureza da operação' },
      items: expression('Items', 'JSONata giving the items: [{code, description, ncm, unit, quantity, unitPrice, gtin?, cfop?, discount?, taxes?}], e.g. itens.{"code": codigo, "description": descricao, "ncm": ncm, "unit": unidade, "quantity": quantidade, "unitPrice": valor}'),
      recipient: expression('Recipient', 'JSONata giving {document, name, ieIndicator (1, 2 or 9), ie?, email?, address?: {street, number, district, cityCode, city, uf, postalCode}}; required for model 55'),
      taxes: {
        type: 'object',
        additionalProperties: false,
        title: 'Taxes of every item',
        description: 'Defaults an item may override in its own `taxes`: Simples Nacional uses csosn; regime normal uses cst and icmsRate.',
        properties: {
          origin: { type: 'integer', minimum: 0, maximum: 8, default: 0, title: 'Origem' },
          csosn: { type: 'string', pattern: '^\\d{3}$', title: 'CSOSN (Simples Nacional)' },
          cst: { type: 'string', pattern: '^\\d{2}$', title: 'CST ICMS (regime normal)' },
          icmsRate: { type: 'number', minimum: 0, maximum: 100, title: 'ICMS %' },
          pisCst: { type: 'string', pattern: '^\\d{2}$', default: '49', title: 'CST PIS' },
          pisRate: { type: 'number', minimum: 0, maximum: 100, title: 'PIS %' },
          cofinsCst: { type: 'string', pattern: '^\\d{2}$', default: '49', title: 'CST COFINS' },
          cofinsRate: { type: 'number', minimum: 0, maximum: 100, title: 'COFINS %' },
          cfop: { type: 'string', pattern: '^\\d{4}$', default: '5102', title: 'CFOP (same state)' },
          cfopInterstate: { type: 'string', pattern: '^\\d{4}$', default: '6102', title: 'CFOP (another state)' },
        },
      },
      paymentMethod: { type: 'string', pattern: '^\\d{2}$', default: '17', title: 'Payment (tPag)', description: '01 dinheiro, 03 crédito, 04 débito, 15 boleto, 17 Pix, 99 outros' },
      freightMode: { type: 'integer', enum: [0, 1, 2, 3, 4, 9], default: 9, title: 'Frete (modFrete)' },
      presence: { type: 'integer', enum: [0, 1, 2, 3, 4, 5, 9], default: 2, title: 'Presença (indPres)', description: '1 presencial, 2 internet, 4 entrega a domicílio, 9 outros' },
      additionalInfo: expression('Additional information', 'JSONata for infCpl, e.g. "Pedido " & numero'),
      intermediary: expression('Marketplace', 'JSONata giving {cnpj, orderId} when the sale came through a marketplace (infIntermed)'),
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
