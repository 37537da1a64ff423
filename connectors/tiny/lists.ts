/**
 * Reading Tiny lists into Ponte batches. Two shapes exist:
 *
 * - searches (`produtos.pesquisa`, `pedidos.pesquisa`, `contatos.pesquisa`): `pagina` from 1 to
 *   `numero_paginas`, 100 records per page, each wrapped as `{"produto": {…}}`;
 * - change queues (`lista.atualizacoes.produtos`, `lista.atualizacoes.estoque`): Tiny's docs
 *   warn that "registros já obtidos serão removidos da fila", so page 2 after page 1 would skip
 *   the records that moved up. A queue is always read at page 1 until it runs dry.
 */
import { collectBatch } from '../http/pagination';
import type { ConnectionContext, ReadRequest, ReadResult, SyncRecord } from '../types';
import { asList, callTiny, isEmptyList, nextTinyPage, type TinyParams, type TinyRetorno, TINY_PAGE_SIZE } from './client';

export interface TinyListSpec<T> {
  method: string;
  /** Filters sent with every page. */
  params: TinyParams;
  /** Where the rows are: `produtos` of `{produto}`, `pedidos` of `{pedido}`… */
  listKey: string;
  itemKey: string;
  toRecord(row: T): SyncRecord;
}

function rowsOf<T>(retorno: TinyRetorno, listKey: string, itemKey: string): T[] {
  if (isEmptyList(retorno)) return [];
  return asList(retorno[listKey] as Array<Record<string, T>> | undefined).map((wrapped) => wrapped[itemKey] ?? (wrapped as unknown as T));
}

/** One page of a Tiny search. */
export async function searchPage<T>(ctx: ConnectionContext, spec: TinyListSpec<T>, pagina: number): Promise<{ rows: T[]; next: number | null }> {
  const retorno = await callTiny(ctx, spec.method, { ...spec.params, pagina });
  const rows = rowsOf<T>(retorno, spec.listKey, spec.itemKey);
  return { rows, next: nextTinyPage(retorno, pagina, rows.length) };
}

/** A batch of a Tiny search: pages from the cursor until the batch is full or the list ends. */
export async function readSearch<T>(ctx: ConnectionContext, req: ReadRequest, spec: TinyListSpec<T>): Promise<ReadResult> {
  const start = req.cursor ? Number(req.cursor) : 1;
  const batch = await collectBatch<SyncRecord, number>(
    start,
    req.batchSize,
    async (pagina) => {
      const page = await searchPage(ctx, spec, pagina);
      return { items: page.rows.map(spec.toRecord), next: page.next };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
}

/**
 * A batch of a Tiny change queue. Always page 1: what was read has left the queue. A page
 * shorter than Tiny's page size means the queue is dry.
 */
export async function readQueue<T>(ctx: ConnectionContext, req: ReadRequest, spec: TinyListSpec<T>): Promise<ReadResult> {
  const batch = await collectBatch<SyncRecord, number>(
    1,
    req.batchSize,
    async () => {
      const retorno = await callTiny(ctx, spec.method, { ...spec.params, pagina: 1 });
      const rows = rowsOf<T>(retorno, spec.listKey, spec.itemKey);
      return { items: rows.map(spec.toRecord), next: rows.length < TINY_PAGE_SIZE ? null : 1 };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : 'queue' };
}

/**
 * Whether this connection reads changes from Tiny's change queues. They need the paid extension
 * "API para estoque em tempo real" and hand each change over once, so they are opt-in
 * (`settings.useChangeQueue`); otherwise an incremental read is a full read.
 */
export function usesChangeQueue(ctx: ConnectionContext): boolean {
  return ctx.settings.useChangeQueue === true;
}

/**
 * The id of the first row of a search that `matches`. Tiny's `pesquisa` matches by substring,
 * so the exact test is ours, page after page.
 */
export async function findInSearch<T extends { id: number | string }>(ctx: ConnectionContext, spec: TinyListSpec<T>, matches: (row: T) => boolean): Promise<string | null> {
  for (let pagina: number | null = 1; pagina !== null; ) {
    const page: { rows: T[]; next: number | null } = await searchPage(ctx, spec, pagina);
    const hit = page.rows.find(matches);
    if (hit) return String(hit.id);
    pagina = page.next;
  }
  return null;
}
