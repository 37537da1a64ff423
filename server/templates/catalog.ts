/**
 * Templates: the standard flows for a pair of providers, built from two connections. They are
 * ordinary flows afterwards: open them on the canvas and change anything.
 */
import type { FlowDocument } from '../../nodes/flow-model/document';
import type { ConnectionRow } from '../connections/store';

export interface TemplateFlow {
  name: string;
  description: string;
  document: FlowDocument;
}

export interface FlowTemplate {
  id: string;
  name: { 'pt-BR': string; en: string };
  description: { 'pt-BR': string; en: string };
  /** The roles the template needs, each a provider and the entities it must sync. */
  roles: Record<string, { provider: string; entities: string[]; label: string }>;
  build(connections: Record<string, ConnectionRow>): TemplateFlow[];
}

/** A Bling product as a Mercado Livre listing (generic category and listing type; adjust per store). */
export const BLING_PRODUCT_TO_ML_LISTING: Record<string, string> = {
  title: '$substring(nome, 0, 60)',
  price: 'preco',
  available_quantity: '$floor(estoque.saldoVirtualTotal)',
  currency_id: "'BRL'",
  category_id: "'MLB1000'",
  buying_mode: "'buy_it_now'",
  listing_type_id: "'gold_special'",
  condition: "'new'",
};

const trigger = { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} };
const chain = (...ids: string[]) => ids.slice(1).map((to, i) => ({ from: ids[i], fromPort: 'out', to }));
const row = (ids: string[]) => Object.fromEntries(ids.map((id, i) => [id, { x: i * 220, y: 0 }]));

/**
 * Real-time companion of the products flow: each product change Bling notifies (webhook) is
 * listed on Mercado Livre at once, reading only that product.
 */
export function blingProductChangesToMl(erpId: string, channelId: string): FlowDocument {
  const ids = ['on-change', 'read-product', 'to-listing', 'write-listing'];
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'on-change', type: 'trigger.webhook', typeVersion: 1, params: { connectionId: erpId, entity: 'products' } },
      { id: 'read-product', type: 'fetch', typeVersion: 1, params: { connectionId: erpId, entity: 'products' } },
      { id: 'to-listing', type: 'map', typeVersion: 1, params: { fields: BLING_PRODUCT_TO_ML_LISTING } },
      // The batch flow already matched existing listings by SKU; here the bindings it left suffice,
      // and one request per change keeps up with bursts of notifications.
      { id: 'write-listing', type: 'upsert', typeVersion: 1, params: { connectionId: channelId, entity: 'products', matchBy: 'binding' } },
    ],
    edges: chain(...ids),
    layout: row(ids),
  };
}

/** Bling (ERP) -> Mercado Livre (channel): the ERP owns products, prices and stock. */
const blingToMercadoLivre: FlowTemplate = {
  id: 'bling-mercadolivre',
  name: { 'pt-BR': 'Bling → Mercado Livre', en: 'Bling → Mercado Livre' },
  description: {
    'pt-BR': 'Publica os produtos ativos do Bling como anúncios no Mercado Livre e mantém preço e estoque em dia.',
    en: 'Lists the active Bling products on Mercado Livre and keeps price and stock up to date.',
  },
  roles: {
    erp: { provider: 'bling', entities: ['products'], label: 'Bling (ERP)' },
    channel: { provider: 'mercadolivre', entities: ['products'], label: 'Mercado Livre' },
  },
  build({ erp, channel }) {
    const ids = ['start', 'read-products', 'only-active', 'to-listing', 'write-listings'];
    return [
      {
        name: `Produtos: ${erp.name} → ${channel.name}`,
        description: 'Exporta produtos, preços e estoque (gerado pelo modelo Bling → Mercado Livre).',
        document: {
          schemaVersion: 1,
          nodes: [
            trigger,
            { id: 'read-products', type: 'fetch', typeVersion: 1, params: { connectionId: erp.id, entity: 'products', batchSize: 500 } },
            { id: 'only-active', type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: "situacao = 'A'" } },
            {
              id: 'to-listing',
              type: 'map',
              typeVersion: 1,
              params: { fields: BLING_PRODUCT_TO_ML_LISTING },
            },
            // Listings may already exist on the channel: match them by SKU before creating.
            { id: 'write-listings', type: 'upsert', typeVersion: 1, params: { connectionId: channel.id, entity: 'products', matchBy: 'sku' } },
          ],
          edges: chain(...ids),
          layout: row(ids),
        },
      },
      {
        name: `Produtos em tempo real: ${erp.name} → ${channel.name}`,
        description: 'A cada alteração de produto avisada pelo Bling (webhook), atualiza o anúncio na hora.',
        document: blingProductChangesToMl(erp.id, channel.id),
      },
    ];
  },
};

/**
 * Bling (ERP) + a Pix PSP: each new sale gets a Pix charge (its copia e cola travels on in
 * `cobranca`, for a notify step the seller adds), and each Pix the PSP notifies settles the sale's
 * receivable in Bling. Register the PSP connection's webhook URL at the PSP for the second flow.
 */
const blingPix: FlowTemplate = {
  id: 'bling-pix',
  name: { 'pt-BR': 'Bling + Pix: cobrança e baixa', en: 'Bling + Pix: charge and settle' },
  description: {
    'pt-BR': 'Gera a cobrança Pix de cada pedido em aberto do Bling no seu PSP e, quando o Pix cai, dá baixa na conta a receber do pedido no Bling — uma vez só. A cada hora confere os Pix recebidos no PSP, para nenhuma baixa depender só da notificação.',
    en: "Creates a Pix charge at your PSP for each open Bling sale and, when the Pix arrives, settles the sale's receivable in Bling — once. Every hour it checks the Pix the PSP received, so no settlement depends on the notification alone.",
  },
  roles: {
    erp: { provider: 'bling', entities: ['orders'], label: 'Bling (ERP)' },
    psp: { provider: 'pix-psp', entities: ['payments'], label: 'PSP Pix (API Pix)' },
  },
  build({ erp, psp }) {
    const charge = ['on-order', 'read-order', 'only-open', 'charge'];
    const settle = ['on-pix', 'read-pix', 'settle'];
    const recheck = ['every-hour', 'read-pixes', 'settle'];
    return [
      {
        name: `Cobrança Pix: ${erp.name} → ${psp.name}`,
        description: 'Cada pedido em aberto do Bling ganha uma cobrança Pix, uma vez só (gerado pelo modelo Bling + Pix). Adicione um bloco Notificar para enviar o copia e cola.',
        document: {
          schemaVersion: 1,
          nodes: [
            { id: 'on-order', type: 'trigger.webhook', typeVersion: 1, params: { connectionId: erp.id, entity: 'orders' } },
            { id: 'read-order', type: 'fetch', typeVersion: 1, params: { connectionId: erp.id, entity: 'orders' } },
            // Bling's "Em aberto": a sale already attended or cancelled needs no charge.
            { id: 'only-open', type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: 'situacao.id = 6' } },
            { id: 'charge', type: 'charge', typeVersion: 1, params: { kind: 'pix', connectionId: psp.id, amount: 'total', expiresInHours: 48, description: '"Pedido " & $string(numero)' } },
          ],
          edges: chain(...charge),
          layout: row(charge),
        },
      },
      {
        name: `Baixa de Pix: ${psp.name} → ${erp.name}`,
        description: 'Cada Pix recebido dá baixa na conta a receber do pedido no Bling, uma vez por pagamento (gerado pelo modelo Bling + Pix).',
        document: {
          schemaVersion: 1,
          nodes: [
            { id: 'on-pix', type: 'trigger.webhook', typeVersion: 1, params: { connectionId: psp.id, entity: 'payments' } },
            { id: 'read-pix', type: 'fetch', typeVersion: 1, params: { connectionId: psp.id, entity: 'payments' } },
            { id: 'settle', type: 'settle', typeVersion: 1, params: { connectionId: erp.id } },
          ],
          edges: chain(...settle),
          layout: row(settle),
        },
      },
      {
        // A webhook can be lost (PSP outage, Ponte unreachable, a misregistered URL): the PSP's
        // own list of received Pix is read every hour, and what the webhook flow settled is skipped.
        name: `Conferência de Pix: ${psp.name} → ${erp.name}`,
        description: 'A cada hora, lê os Pix recebidos no PSP desde a última conferência e dá baixa no que nenhuma notificação trouxe; o que já teve baixa é pulado (gerado pelo modelo Bling + Pix).',
        document: {
          schemaVersion: 1,
          nodes: [
            { id: 'every-hour', type: 'trigger.schedule', typeVersion: 1, params: { every: '1h' } },
            { id: 'read-pixes', type: 'fetch', typeVersion: 1, params: { connectionId: psp.id, entity: 'payments', incremental: true } },
            { id: 'settle', type: 'settle', typeVersion: 1, params: { connectionId: erp.id } },
          ],
          edges: chain(...recheck),
          layout: row(recheck),
        },
      },
    ];
  },
};

export const templates: FlowTemplate[] = [blingToMercadoLivre, blingPix];
