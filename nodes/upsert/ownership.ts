/**
 * Who owns a field when both sides may change it. Defaults follow how sellers work: the ERP
 * owns prices, stock and fiscal data; the channel owns orders and what the buyer typed
 * (customers). Everything else is shared and goes through the three-way check. A flow can
 * override any field with the upsert node's `owners` parameter.
 */
import type { ConnectorRole, EntityName } from '../../connectors/types';

/** `source`: always pushed; `target`: written on create only, never overwritten; `shared`: three-way check. */
export type FieldOwner = 'source' | 'target' | 'shared';

/** Field names that carry price, stock or fiscal data, in the vocabularies our connectors speak. */
const ERP_FIELDS = /(price|preco|preço|stock|estoque|saldo|quantity|quantidade|inventory|ncm|cfop|cest|gtin|ean|origem|tribut|fiscal|icms|ipi)/i;

export interface OwnershipContext {
  entity: EntityName;
  sourceRole: ConnectorRole;
  targetRole: ConnectorRole;
  overrides?: Record<string, FieldOwner>;
}

export function ownerOf(field: string, c: OwnershipContext): FieldOwner {
  const override = c.overrides?.[field];
  if (override) return override;
  const side = (role: ConnectorRole): FieldOwner | undefined => (c.sourceRole === role && c.targetRole !== role ? 'source' : c.targetRole === role && c.sourceRole !== role ? 'target' : undefined);
  if (c.entity === 'orders' || c.entity === 'customers') return side('channel') ?? 'shared';
  if (c.entity === 'invoices') return side('erp') ?? 'shared';
  // A payment is what the PSP or bank says it is.
  if (c.entity === 'payments') return side('other') ?? 'shared';
  if (ERP_FIELDS.test(field)) return side('erp') ?? 'shared';
  return 'shared';
}
