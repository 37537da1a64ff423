/** Every connector Ponte knows. Adding one is one folder and one line here. */
import { bling } from './bling';
import { mercadolivre } from './mercadolivre';
import type { ConnectorDefinition } from './types';

export const connectors: Record<string, ConnectorDefinition> = {
  [bling.id]: bling,
  [mercadolivre.id]: mercadolivre,
};

export function getConnector(id: string): ConnectorDefinition | undefined {
  return connectors[id];
}
