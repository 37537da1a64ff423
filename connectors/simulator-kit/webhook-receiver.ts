/**
 * Stands in for Ponte's webhook ingress in connector tests: records each POST as the ingress
 * hands it to a connector (lower-cased headers, the raw body, the query, and the path that
 * followed the registered URL, e.g. `/pix`) and answers 200.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingWebhook } from '../types';

export interface WebhookReceiver {
  /** The URL to register at the provider (ends with the connection's secret segment). */
  url: string;
  readonly received: IncomingWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = 'connection-secret'): Promise<WebhookReceiver> {
  const received: IncomingWebhook[] = [];
  const prefix = `/webhooks/${secret}`;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method !== 'POST' || !url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    received.push({ headers, rawBody: Buffer.concat(chunks).toString('utf8'), query: Object.fromEntries(url.searchParams), path: url.pathname.slice(prefix.length) });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
