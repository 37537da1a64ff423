/**
 * What the upsert node (and its dependencies) writes in a record's log, in both languages. The
 * English text is the record's `message`; the code and parameters rebuild either language
 * (server/runs/messages.ts).
 */
import { defineMessages } from '../../connectors/localized';

/** A binding's status as the Mapeamentos screen names it. */
const STATUS_PT: Record<string, string> = { active: 'ativo', pending: 'pendente', conflict: 'em conflito', orphan: 'órfão', missing: 'ausente' };
const statusPt = (status: string | null) => STATUS_PT[status ?? ''] ?? String(status);

/** An entity (always plural in English: "the customers 12") as one record of it, with its article. */
const ENTITY_PT: Record<string, string> = {
  products: 'o produto',
  stock: 'o estoque',
  prices: 'o preço',
  orders: 'o pedido',
  customers: 'o cliente',
  invoices: 'a nota fiscal',
  payments: 'o pagamento',
};
const entityPt = (entity: string) => ENTITY_PT[entity] ?? `o registro de ${entity}`;
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export const UPSERT_MESSAGES = defineMessages('upsert', {
  bothChanged: (p: { fields: string }) => ({
    en: `Changed on both sides since the last sync (${p.fields}): nothing was overwritten. Choose ERP wins, channel wins or merge in Mapeamentos`,
    'pt-BR': `Alterado nos dois lados desde a última sincronização (${p.fields}): nada foi sobrescrito. Escolha "ERP vence", "Canal vence" ou "Mesclar campo a campo" em Mapeamentos`,
  }),
  orphaned: (p: { connector: string; externalId: string }) => ({
    en: `${p.connector} no longer has ${p.externalId} (deleted there): the mapping is marked orphan. Delete the mapping to create the record again`,
    'pt-BR': `${p.connector} não tem mais ${p.externalId} (foi excluído lá): o mapeamento foi marcado como órfão. Exclua o mapeamento para criar o registro de novo`,
  }),
  claimedByAnotherRun: (p: { runId: string | null }) => ({
    en: `Another run (${p.runId}) is writing this record right now; see its log`,
    'pt-BR': `Outra execução (${p.runId}) está gravando este registro agora; veja o log dela`,
  }),
  mappingMarked: (p: { status: string }) => ({
    en: `The mapping of this record is marked ${p.status}; resolve it in Mapeamentos before it syncs again`,
    'pt-BR': `O mapeamento deste registro está marcado como ${statusPt(p.status)}; resolva-o em Mapeamentos para que ele volte a sincronizar`,
  }),
  takeoverWithoutSku: (p: { connector: string }) => ({
    en: `An earlier attempt may have created this record at ${p.connector}, and it has no SKU to check. Look it up there and link it in Mapeamentos, then reprocess`,
    'pt-BR': `Uma tentativa anterior pode ter criado este registro em ${p.connector}, e ele não tem SKU para conferir. Procure-o lá, vincule-o em Mapeamentos e depois reprocesse`,
  }),
  externalTaken: (p: { externalId: string; owner: string; sku: string | null }) => ({
    en: `External record ${p.externalId} is already linked to ${p.owner}; two records share SKU ${p.sku ?? '?'}`,
    'pt-BR': `O registro externo ${p.externalId} já está vinculado a ${p.owner}; dois registros têm o mesmo SKU ${p.sku ?? '?'}`,
  }),

  // Dependencies (an order's customer, its lines' products): nodes/upsert/dependencies.ts.
  dependencyWithoutKey: (p: { entity: string; field: string; keyField: string }) => ({
    en: `The ${p.entity} in "${p.field}" has no "${p.keyField}" (its id at the source)`,
    'pt-BR': `${cap(entityPt(p.entity))} em "${p.field}" não tem "${p.keyField}" (o seu id na origem)`,
  }),
  dependencyMappingMarked: (p: { entity: string; id: string; status: string }) => ({
    en: `The ${p.entity} ${p.id} has a mapping marked ${p.status}; resolve it in Mapeamentos first`,
    'pt-BR': `${cap(entityPt(p.entity))} ${p.id} tem um mapeamento marcado como ${statusPt(p.status)}; resolva-o antes em Mapeamentos`,
  }),
  dependencyNotAtTarget: (p: { entity: string; id: string; sku: string | null; connector: string }) => ({
    en: `The ${p.entity} ${p.id}${p.sku ? ` (${p.sku})` : ''} does not exist at ${p.connector} and this flow does not create it: create it there or bind it in Mapeamentos, then reprocess`,
    'pt-BR': `${cap(entityPt(p.entity))} ${p.id}${p.sku ? ` (${p.sku})` : ''} não existe em ${p.connector}, e este fluxo não faz esse cadastro: cadastre em ${p.connector} ou vincule em Mapeamentos e depois reprocesse`,
  }),
  dependencyTakeoverWithoutDocument: (p: { entity: string; id: string; connector: string }) => ({
    en: `An earlier attempt may have created the ${p.entity} ${p.id} at ${p.connector}, and it has no document to check: bind it in Mapeamentos, then reprocess`,
    'pt-BR': `Uma tentativa anterior pode ter criado ${entityPt(p.entity)} ${p.id} em ${p.connector}, e não há documento para conferir: vincule em Mapeamentos e depois reprocesse`,
  }),
  dependencyNotAnObject: (p: { where: string; entity: string }) => ({
    en: `"${p.where}" must be an object describing the ${p.entity}`,
    'pt-BR': `"${p.where}" deve ser um objeto que descreva ${entityPt(p.entity)}`,
  }),
  dependencyNotAList: (p: { listField: string; field: string }) => ({
    en: `"${p.listField}" must be a list (dependency ${p.field})`,
    'pt-BR': `"${p.listField}" deve ser uma lista (dependência ${p.field})`,
  }),
});
