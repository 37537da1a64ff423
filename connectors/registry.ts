/** Every connector Ponte knows. Adding one is one folder and one line here. */
import { bling } from './bling';
import { inter } from './inter';
import { lojaintegrada } from './lojaintegrada';
import { mercadolivre } from './mercadolivre';
import { nuvemshop } from './nuvemshop';
import { pixPsp } from './pix-psp';
import { postgres } from './postgres';
import { rest } from './rest';
import { sefaz } from './sefaz';
import { shopify } from './shopify';
import { smsHttp } from './sms-http';
import { smtp } from './smtp';
import { tiny } from './tiny';
import type { ConnectorDefinition } from './types';
import { webhookOut } from './webhook-out';
import { whatsapp } from './whatsapp';
import { woocommerce } from './woocommerce';

const all: ConnectorDefinition[] = [bling, inter, lojaintegrada, mercadolivre, nuvemshop, pixPsp, postgres, rest, sefaz, shopify, smsHttp, smtp, tiny, webhookOut, whatsapp, woocommerce];

export const connectors: Record<string, ConnectorDefinition> = Object.fromEntries(all.map((c) => [c.id, c]));

export function getConnector(id: string): ConnectorDefinition | undefined {
  return connectors[id];
}
