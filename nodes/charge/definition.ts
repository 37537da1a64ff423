import { connectionParams } from '../fetch/definition';
import { type JsonSchema, type NodeDefinition, recordsIn, recordsOut } from '../types';

const expression = (title: string, description: string): JsonSchema => ({ type: 'string', minLength: 1, title, description, 'x-ponte-expression': true });

export const CHARGE_KINDS = ['pix', 'pix-due', 'boleto', 'pix-static'] as const;

export const chargeNode: NodeDefinition = {
  type: 'charge',
  version: 1,
  kind: 'effect',
  category: 'target',
  needs: 'payments',
  label: { 'pt-BR': 'Cobrar (Pix / boleto)', en: 'Charge (Pix / boleto)' },
  description: {
    'pt-BR':
      'Gera uma cobrança por pedido — Pix imediato ou com vencimento no PSP, boleto no banco, ou Pix estático (QR com a chave, sem PSP) — uma única vez por pedido, e passa adiante o copia e cola, o código de barras e a linha digitável em `cobranca`.',
    en: 'Creates one charge per order — immediate or due-date Pix at a PSP, boleto at a bank, or a static Pix code (QR with the key, no PSP) — once per order, and passes on the copia e cola, barcode and digitable line in `cobranca`.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'amount'],
    properties: {
      kind: { type: 'string', enum: [...CHARGE_KINDS], default: 'pix', title: 'Kind', description: 'pix: immediate (cob); pix-due: with a due date (cobv); boleto; pix-static: a BR Code with the key, built by Ponte' },
      connectionId: { ...connectionParams.connectionId, description: 'The PSP (Pix) or bank (boleto); not used for pix-static' },
      amount: expression('Amount', 'JSONata giving the amount in reais, e.g. total'),
      dueDate: expression('Due date', 'pix-due and boleto: JSONata giving YYYY-MM-DD, e.g. $substring($fromMillis($millis() + 3*86400000), 0, 10)'),
      expiresInHours: { type: 'number', minimum: 0.1, maximum: 8760, default: 24, title: 'Expires after (hours)', description: 'pix: how long the charge stays payable' },
      payerName: expression('Payer name', 'JSONata, e.g. contato.nome (required for pix-due and boleto)'),
      payerDocument: expression('Payer CPF/CNPJ', 'JSONata, e.g. contato.numeroDocumento (required for pix-due and boleto)'),
      payerEmail: expression('Payer e-mail', 'JSONata, optional'),
      payerAddress: expression('Payer address', 'JSONata giving {street, number, district, city, state, postalCode} (banks require it for boletos)'),
      description: expression('Message to the payer', 'JSONata, e.g. "Pedido " & numero'),
      pixKey: { type: 'string', minLength: 1, title: 'Pix key', description: 'pix-static: the seller key (CPF/CNPJ, phone, e-mail or random key)' },
      merchantName: { type: 'string', minLength: 1, maxLength: 25, title: 'Merchant name', description: 'pix-static: the name the payer sees' },
      merchantCity: { type: 'string', minLength: 1, maxLength: 15, title: 'Merchant city', description: 'pix-static' },
    },
    allOf: [
      { if: { properties: { kind: { const: 'pix-static' } }, required: ['kind'] }, then: { required: ['pixKey', 'merchantName', 'merchantCity'] }, else: { required: ['connectionId'] } },
      { if: { properties: { kind: { enum: ['pix-due', 'boleto'] } }, required: ['kind'] }, then: { required: ['dueDate', 'payerName', 'payerDocument'] } },
      { if: { properties: { kind: { const: 'boleto' } }, required: ['kind'] }, then: { required: ['payerAddress'] } },
    ],
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
