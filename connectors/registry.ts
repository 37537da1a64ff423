/** Every connector Ponte knows. Adding one is one folder and one line here. */
import { bling } from './bling';
import { lojaintegrada } from './lojaintegrada';
import { mercadolivre } from './mercadolivre';
import { nuvemshop } from './nuvemshop';
import { postgres } from './postgres';
import { rest } from './rest';
import { shopify } from './shopify';
import { smsHttp } from './sms-http';
import { smtp } from './smtp';
import { tiny } from './tiny';
import type { ConnectorDefinition } from './types';
import { webhookOut } from './webhook-out';
import { whatsapp } from './whatsapp';
import { woocommerce } from './woocommerce';

const all: ConnectorDefinition[] = [bling, lojaintegrada, mercadolivre, nuvemshop, postgres, rest, shopify, smsHttp, smtp, tiny, webhookOut, whatsapp, woocommerce];

export const connectors: Record<string, ConnectorDefinition> = Object.fromEntries(all.map((c) => [c.id, c]));

export function getConnector(id: string): ConnectorDefinition | undefined {
  return connectors[id];
}
