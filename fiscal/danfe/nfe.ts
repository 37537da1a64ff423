/**
 * The DANFE of an NF-e (model 55), A4 portrait in loose sheets (MOC, DANFE chapter and its annex
 * for that format): on the first sheet the receipt stub ("canhoto"), the issuer and document
 * block with the key's CODE-128C barcode, the operation and the authorisation protocol, the
 * recipient, the tax totals, the transport, the items and the additional information; the next
 * sheets repeat the document block and carry on with the items. Every sheet says "FOLHA n/N".
 *
 * Sizes follow the chapter's minimums: block titles and the items' column names in bold
 * capitals, field names in capitals of at least 6 points (5 in the items' table), "DANFE" in
 * bold of at least 12, the number, series, sheet and entrada/saída digit in bold of at least 10.
 * The key is printed in 11 blocks of 4 digits under its barcode.
 */
import { accessKeyBarcode } from './codes';
import * as f from './format';
import { mm, Pen, type TextStyle } from './pen';
import type { DanfeData, DanfeItem } from './read';

const A4: [number, number] = [595.28, 841.89];
const [W, H] = A4;
const M = mm(7);
const CW = W - 2 * M;
const ROW = 21;
const GAP = 3;
const TITLE = 9;
const HEADER = 122;
const ISSUER_W = 215;
const DANFE_W = 108;
const KEY_W = CW - ISSUER_W - DANFE_W;
const STUB_TEXT = 28;
const STUB = STUB_TEXT + ROW;
const INFO_BOX = 72;
const TABLE_HEAD = 16;
const ITEM_STYLE: TextStyle = { size: 6 };
const INFO_STYLE: TextStyle = { size: 6.5 };

interface Column {
  label: string;
  width: number;
  align: 'left' | 'center' | 'right';
  value: (item: DanfeItem) => string;
}

function columns(data: DanfeData): Column[] {
  const simples = data.crt === '1' || data.crt === '4';
  const fixed: Column[] = [
    { label: 'NCM/SH', width: 34, align: 'center', value: (i) => i.ncm },
    { label: simples ? 'O/CSOSN' : 'O/CST', width: 27, align: 'center', value: (i) => i.cst },
    { label: 'CFOP', width: 20, align: 'center', value: (i) => i.cfop },
    { label: 'UN', width: 18, align: 'center', value: (i) => i.unit },
    { label: 'QUANT.', width: 36, align: 'right', value: (i) => f.decimal(i.quantity, 4, 4) },
    { label: 'VALOR UNIT.', width: 46, align: 'right', value: (i) => f.decimal(i.unitPrice, 2, 10) },
    { label: 'VALOR TOTAL', width: 40, align: 'right', value: (i) => f.money(i.total) },
    { label: 'B.CÁLC. ICMS', width: 36, align: 'right', value: (i) => f.money(i.icmsBase) },
    { label: 'VALOR ICMS', width: 32, align: 'right', value: (i) => f.money(i.icmsValue) },
    { label: 'VALOR IPI', width: 28, align: 'right', value: (i) => f.money(i.ipiValue) },
    { label: 'ALÍQ. ICMS', width: 20, align: 'right', value: (i) => (i.icmsRate ? f.decimal(i.icmsRate, 2, 2) : '') },
    { label: 'ALÍQ. IPI', width: 20, align: 'right', value: (i) => (i.ipiRate ? f.decimal(i.ipiRate, 2, 2) : '') },
  ];
  const code: Column = { label: 'CÓDIGO PRODUTO', width: 44, align: 'left', value: (i) => i.code };
  const used = fixed.reduce((sum, c) => sum + c.width, code.width);
  const description: Column = { label: 'DESCRIÇÃO DO PRODUTO / SERVIÇO', width: CW - used, align: 'left', value: (i) => (i.extra ? `${i.description}\n${i.extra}` : i.description) };
  return [code, description, ...fixed];
}

/** The lines of each cell of an item's row, and the row's height. */
function itemRow(pen: Pen, cols: Column[], item: DanfeItem): { cells: string[][]; height: number } {
  const cells = cols.map((c) => pen.wrap(c.value(item), c.width - 3, ITEM_STYLE));
  const lines = Math.max(1, ...cells.map((c) => c.length));
  return { cells, height: lines * pen.lineHeight(ITEM_STYLE) + 3 };
}

/** What the additional-information box holds: SEFAZ's and the issuer's notes, and why the note is in contingency. */
function additionalInfo(data: DanfeData): string {
  const parts: string[] = [];
  if (data.contingency) {
    const service = data.emissionType === '6' ? 'SVC-AN' : data.emissionType === '7' ? 'SVC-RS' : `tpEmis ${data.emissionType}`;
    parts.push(`DANFE EM CONTINGÊNCIA (${service}), desde ${f.dateTime(data.contingency.at)}: ${data.contingency.reason}`);
  }
  if (data.fiscoInfo) parts.push(data.fiscoInfo);
  if (data.additionalInfo) parts.push(data.additionalInfo);
  return parts.join('\n');
}

type Slot = { kind: 'item'; index: number; height: number } | { kind: 'info'; line: string; height: number };

interface Sheet {
  slots: Slot[];
}

/** Where the items' rows start and end on the first sheet and on the others. */
const FIRST_TOP = M + STUB + 10 + HEADER + 2 * ROW + GAP + 3 * (TITLE + GAP) + 3 * ROW + 2 * ROW + 3 * ROW + TITLE + TABLE_HEAD;
const FIRST_BOTTOM = H - M - TITLE - INFO_BOX - GAP;
const NEXT_BLOCK_TOP = M + HEADER + 2 * ROW + GAP;
const NEXT_TOP = NEXT_BLOCK_TOP + TITLE + TABLE_HEAD;
/** The continuation of the notes: its title, and the padding of its box. */
const NOTES_FRAME = TITLE + 4 + GAP;

/**
 * Which rows go on which sheet, decided before drawing so every sheet can say how many there
 * are: the items fill the first sheet above the additional-information box, then the next ones;
 * notes too long for the box follow the items under a continuation title.
 */
function paginate(itemHeights: number[], overflow: string[], lineHeight: number): Sheet[] {
  const sheets: Sheet[] = [{ slots: [] }];
  let room = FIRST_BOTTOM - FIRST_TOP;
  const place = (slot: Slot, roomOnNewSheet: number) => {
    if (slot.height > room && sheets.at(-1)!.slots.length > 0) {
      sheets.push({ slots: [] });
      room = roomOnNewSheet;
    }
    sheets.at(-1)!.slots.push(slot);
    room -= slot.height;
  };
  itemHeights.forEach((height, index) => place({ kind: 'item', index, height }, H - M - NEXT_TOP));
  if (overflow.length) {
    room -= NOTES_FRAME + GAP;
    for (const line of overflow) place({ kind: 'info', line, height: lineHeight }, H - M - NEXT_BLOCK_TOP - NOTES_FRAME);
  }
  return sheets;
}

export async function renderNfe(data: DanfeData): Promise<Buffer> {
  const pen = new Pen({ size: A4, title: `DANFE ${data.accessKey}` });
  const cols = columns(data);
  const rows = data.items.map((item) => itemRow(pen, cols, item));
  const infoWidth = CW * 0.68 - 4;
  const infoLines = pen.wrap(additionalInfo(data), infoWidth, INFO_STYLE);
  let fitting = Math.floor((INFO_BOX - 10) / pen.lineHeight(INFO_STYLE));
  // Too long for the box: its last line says where the rest is.
  if (infoLines.length > fitting) fitting -= 1;
  const sheets = paginate(
    rows.map((r) => r.height),
    infoLines.slice(fitting),
    pen.lineHeight(INFO_STYLE),
  );

  sheets.forEach((sheet, n) => {
    pen.page(A4);
    if (data.environment === 2) pen.watermark(W, H, 64);
    let y = M;
    if (n === 0) y = stub(pen, data, y);
    y = documentBlock(pen, data, y, n + 1, sheets.length);
    if (n === 0) {
      y = recipientBlock(pen, data, y);
      y = taxBlock(pen, data, y);
      y = transportBlock(pen, data, y);
    }
    const items = sheet.slots.filter((s): s is Extract<Slot, { kind: 'item' }> => s.kind === 'item');
    const notes = sheet.slots.filter((s): s is Extract<Slot, { kind: 'info' }> => s.kind === 'info');
    if (items.length) {
      pen.title('DADOS DOS PRODUTOS / SERVIÇOS', M, y);
      y += TITLE;
      // The table runs down to the foot of its region, as a printed form does, unless notes follow it.
      const rowsEnd = y + TABLE_HEAD + items.reduce((sum, i) => sum + i.height, 0);
      const bottom = notes.length ? rowsEnd : n === 0 ? FIRST_BOTTOM : H - M;
      y = itemsTable(pen, cols, rows, items.map((i) => i.index), y, bottom) + GAP;
    }
    if (notes.length) {
      pen.title('DADOS ADICIONAIS - INFORMAÇÕES COMPLEMENTARES (CONTINUAÇÃO)', M, y);
      y += TITLE;
      pen.rect(M, y, CW, notes.length * pen.lineHeight(INFO_STYLE) + 4);
      pen.lines(notes.map((s) => s.line), M + 2, y + 2, CW - 4, INFO_STYLE);
    }
    if (n === 0) {
      const shown = infoLines.length > fitting ? [...infoLines.slice(0, fitting), '(continua em DADOS ADICIONAIS - CONTINUAÇÃO, após os produtos)'] : infoLines;
      infoBlock(pen, shown, infoWidth);
    }
  });
  return pen.finish();
}

/** The receipt stub the recipient signs and the carrier brings back, cut along the dashes. */
function stub(pen: Pen, data: DanfeData, y: number): number {
  const right = 110;
  const left = CW - right;
  const who = data.recipient
    ? ` DESTINATÁRIO: ${data.recipient.name}${data.recipient.address ? ` - ${f.addressLine(data.recipient.address.street, data.recipient.address.number, data.recipient.address.district, data.recipient.address.city)}-${data.recipient.address.uf}` : ''}`
    : '';
  pen.rect(M, y, left, STUB_TEXT);
  pen.text(
    `RECEBEMOS DE ${data.issuer.name} OS PRODUTOS E/OU SERVIÇOS CONSTANTES DA NOTA FISCAL ELETRÔNICA INDICADA AO LADO. EMISSÃO: ${f.date(data.issuedAt)} VALOR TOTAL: R$ ${f.money(data.totals.total)}${who}`,
    M + 2,
    y + 2,
    left - 4,
    { size: 6.5 },
  );
  pen.cell(M, y + STUB_TEXT, 110, ROW, 'DATA DE RECEBIMENTO', '');
  pen.cell(M + 110, y + STUB_TEXT, left - 110, ROW, 'IDENTIFICAÇÃO E ASSINATURA DO RECEBEDOR', '');
  pen.rect(M + left, y, right, STUB);
  const x = M + left;
  pen.lines(['NF-e'], x, y + 5, right, { size: 12, bold: true, align: 'center' });
  pen.lines([`Nº ${f.documentNumber(data.number)}`], x, y + 20, right, { size: 10, bold: true, align: 'center' });
  pen.lines([`SÉRIE ${f.seriesNumber(data.series)}`], x, y + 33, right, { size: 10, bold: true, align: 'center' });
  const cut = y + STUB + 5;
  pen.line(M, cut, M + CW, cut, 0.5, 2);
  return y + STUB + 10;
}

/** Issuer, DANFE identification, barcode and key, operation, protocol and the issuer's registrations: on every sheet. */
function documentBlock(pen: Pen, data: DanfeData, y: number, sheet: number, sheets: number): number {
  const issuer = data.issuer;
  const a = issuer.address;
  // Issuer.
  pen.rect(M, y, ISSUER_W, HEADER);
  pen.lines(['IDENTIFICAÇÃO DO EMITENTE'], M + 2, y + 2, ISSUER_W - 4, { size: 6 });
  let iy = pen.text(issuer.name, M + 4, y + 16, ISSUER_W - 8, { size: 10, bold: true, align: 'center' }) + 4;
  if (a) {
    for (const line of [
      f.addressLine(a.street, a.number, a.complement),
      `${a.district} - CEP ${f.postalCode(a.postalCode)}`,
      `${a.city} - ${a.uf}`,
      a.phone ? `Fone: ${f.phone(a.phone)}` : '',
    ].filter(Boolean)) {
      iy = pen.text(line, M + 4, iy, ISSUER_W - 8, { size: 8, align: 'center' });
    }
  }
  // DANFE identification.
  const dx = M + ISSUER_W;
  pen.rect(dx, y, DANFE_W, HEADER);
  pen.lines(['DANFE'], dx, y + 4, DANFE_W, { size: 14, bold: true, align: 'center' });
  pen.text('DOCUMENTO AUXILIAR DA NOTA FISCAL ELETRÔNICA', dx + 6, y + 21, DANFE_W - 12, { size: 7, align: 'center' });
  pen.lines(['0 - ENTRADA', '1 - SAÍDA'], dx + 10, y + 48, 60, { size: 7.5 });
  pen.rect(dx + DANFE_W - 30, y + 48, 16, 16);
  pen.lines([data.direction], dx + DANFE_W - 30, y + 50.5, 16, { size: 12, bold: true, align: 'center' });
  pen.lines([`Nº ${f.documentNumber(data.number)}`], dx, y + 72, DANFE_W, { size: 10, bold: true, align: 'center' });
  pen.lines([`SÉRIE ${f.seriesNumber(data.series)}`], dx, y + 86, DANFE_W, { size: 10, bold: true, align: 'center' });
  pen.lines([`FOLHA ${sheet}/${sheets}`], dx, y + 100, DANFE_W, { size: 10, bold: true, align: 'center' });
  // Barcode, key and where to check it.
  const kx = dx + DANFE_W;
  pen.rect(kx, y, KEY_W, HEADER);
  const code = accessKeyBarcode(data.accessKey);
  const module = Math.min(0.8, (KEY_W - 24) / code.modules);
  pen.barcode(code, kx + (KEY_W - code.modules * module) / 2, y + 6, module, 34);
  pen.cell(kx, y + 46, KEY_W, 24, 'CHAVE DE ACESSO', f.accessKeyBlocks(data.accessKey), { align: 'center', bold: true, size: 8.5 });
  pen.text('Consulta de autenticidade no portal nacional da NF-e www.nfe.fazenda.gov.br/portal ou no site da Sefaz Autorizadora', kx + 8, y + 80, KEY_W - 16, {
    size: 8,
    align: 'center',
  });
  y += HEADER;
  pen.cell(M, y, ISSUER_W + DANFE_W, ROW, 'NATUREZA DA OPERAÇÃO', data.operation);
  pen.cell(kx, y, KEY_W, ROW, 'PROTOCOLO DE AUTORIZAÇÃO DE USO', `${data.protocol.number} - ${f.dateTime(data.protocol.receivedAt)}`, { align: 'center', bold: true });
  y += ROW;
  const third = CW / 3;
  pen.cell(M, y, third, ROW, 'INSCRIÇÃO ESTADUAL', issuer.ie);
  pen.cell(M + third, y, third, ROW, 'INSCRIÇÃO ESTADUAL DO SUBST. TRIBUT.', issuer.ieSt);
  pen.cell(M + 2 * third, y, third, ROW, 'CNPJ', f.cnpjOrCpf(issuer.document));
  return y + ROW + GAP;
}

/** Cells side by side, the first `flex` one taking what the fixed widths leave. */
function cellRow(pen: Pen, y: number, cells: Array<[string, string, number, ('left' | 'right' | 'center')?, boolean?]>) {
  const fixed = cells.reduce((sum, [, , w]) => sum + (w > 0 ? w : 0), 0);
  let x = M;
  for (const [label, value, width, align, bold] of cells) {
    const w = width > 0 ? width : CW - fixed;
    pen.cell(x, y, w, ROW, label, value, { align, bold });
    x += w;
  }
}

function recipientBlock(pen: Pen, data: DanfeData, y: number): number {
  pen.title('DESTINATÁRIO / REMETENTE', M, y);
  y += TITLE;
  const r = data.recipient;
  const a = r?.address;
  cellRow(pen, y, [
    ['NOME / RAZÃO SOCIAL', r?.name ?? '', 0],
    ['CNPJ / CPF', r ? f.cnpjOrCpf(r.document) : '', 110, 'center'],
    ['DATA DA EMISSÃO', f.date(data.issuedAt), 82, 'center'],
  ]);
  y += ROW;
  cellRow(pen, y, [
    ['ENDEREÇO', a ? f.addressLine(a.street, a.number, a.complement) : '', 0],
    ['BAIRRO / DISTRITO', a?.district ?? '', 130],
    ['CEP', a ? f.postalCode(a.postalCode) : '', 60, 'center'],
    ['DATA DA SAÍDA/ENTRADA', f.date(data.leftAt), 82, 'center'],
  ]);
  y += ROW;
  cellRow(pen, y, [
    ['MUNICÍPIO', a?.city ?? '', 0],
    ['UF', a?.uf ?? '', 25, 'center'],
    ['FONE / FAX', a?.phone ? f.phone(a.phone) : '', 90, 'center'],
    ['INSCRIÇÃO ESTADUAL', r?.ie ?? '', 110, 'center'],
    ['HORA DA SAÍDA/ENTRADA', f.time(data.leftAt), 82, 'center'],
  ]);
  return y + ROW + GAP;
}

function taxBlock(pen: Pen, data: DanfeData, y: number): number {
  pen.title('CÁLCULO DO IMPOSTO', M, y);
  y += TITLE;
  const t = data.totals;
  const w = CW / 7;
  const row = (cells: Array<[string, string, boolean?]>) => cellRow(pen, y, cells.map(([label, value, bold]) => [label, f.money(value), w, 'right', bold]));
  row([
    ['BASE DE CÁLC. DO ICMS', t.icmsBase],
    ['VALOR DO ICMS', t.icms],
    ['BASE DE CÁLC. ICMS S.T.', t.icmsStBase],
    ['VALOR DO ICMS SUBST.', t.icmsSt],
    ['VALOR DO PIS', t.pis],
    ['VALOR DA COFINS', t.cofins],
    ['V. TOTAL DOS PRODUTOS', t.products],
  ]);
  y += ROW;
  row([
    ['VALOR DO FRETE', t.freight],
    ['VALOR DO SEGURO', t.insurance],
    ['DESCONTO', t.discount],
    ['OUTRAS DESPESAS', t.other],
    ['VALOR TOTAL DO IPI', t.ipi],
    ['V. APROX. TRIBUTOS', t.approximateTaxes],
    ['VALOR TOTAL DA NOTA', t.total, true],
  ]);
  return y + ROW + GAP;
}

function transportBlock(pen: Pen, data: DanfeData, y: number): number {
  pen.title('TRANSPORTADOR / VOLUMES TRANSPORTADOS', M, y);
  y += TITLE;
  const { carrier, vehicle, volumes, mode } = data.transport;
  cellRow(pen, y, [
    ['NOME / RAZÃO SOCIAL', carrier?.name ?? '', 0],
    ['FRETE POR CONTA', f.FREIGHT_MODES[mode] ?? mode, 125],
    ['CÓDIGO ANTT', vehicle?.antt ?? '', 50, 'center'],
    ['PLACA DO VEÍCULO', vehicle?.plate ?? '', 62, 'center'],
    ['UF', vehicle?.uf ?? '', 25, 'center'],
    ['CNPJ / CPF', carrier ? f.cnpjOrCpf(carrier.document) : '', 95, 'center'],
  ]);
  y += ROW;
  cellRow(pen, y, [
    ['ENDEREÇO', carrier?.address ?? '', 0],
    ['MUNICÍPIO', carrier?.city ?? '', 150],
    ['UF', carrier?.uf ?? '', 25, 'center'],
    ['INSCRIÇÃO ESTADUAL', carrier?.ie ?? '', 95, 'center'],
  ]);
  y += ROW;
  // Several volumes share the row, one after the other.
  const join = (pick: (v: (typeof volumes)[number]) => string) => volumes.map(pick).filter(Boolean).join(' / ');
  const w = CW / 6;
  cellRow(pen, y, [
    ['QUANTIDADE', join((v) => v.quantity), w, 'right'],
    ['ESPÉCIE', join((v) => v.kind), w],
    ['MARCA', join((v) => v.brand), w],
    ['NUMERAÇÃO', join((v) => v.numbering), w],
    ['PESO BRUTO', join((v) => (v.grossWeight ? f.decimal(v.grossWeight, 3, 3) : '')), w, 'right'],
    ['PESO LÍQUIDO', join((v) => (v.netWeight ? f.decimal(v.netWeight, 3, 3) : '')), w, 'right'],
  ]);
  return y + ROW + GAP;
}

/** The items' table from y (its column names included) down to `bottom`; returns `bottom`. */
function itemsTable(pen: Pen, cols: Column[], rows: Array<{ cells: string[][]; height: number }>, indices: number[], y: number, bottom: number): number {
  const top = y;
  let x = M;
  for (const c of cols) {
    const lines = pen.wrap(c.label, c.width - 2, { size: 5.5, bold: true });
    pen.lines(lines, x + 1, y + (TABLE_HEAD - lines.length * pen.lineHeight({ size: 5.5 })) / 2, c.width - 2, { size: 5.5, bold: true, align: 'center' });
    x += c.width;
  }
  y += TABLE_HEAD;
  pen.line(M, y, M + CW, y);
  for (const index of indices) {
    const row = rows[index];
    let cx = M;
    cols.forEach((c, i) => {
      pen.lines(row.cells[i], cx + 1.5, y + 1.5, c.width - 3, { ...ITEM_STYLE, align: c.align });
      cx += c.width;
    });
    y += row.height;
    // A hairline between rows, so a wrapped description is read with its own numbers.
    if (y < bottom - 0.5) pen.line(M, y, M + CW, y, 0.2);
  }
  pen.rect(M, top, CW, bottom - top);
  let lx = M;
  for (const c of cols.slice(0, -1)) {
    lx += c.width;
    pen.line(lx, top, lx, bottom);
  }
  return bottom;
}

function infoBlock(pen: Pen, lines: string[], width: number) {
  const y = H - M - INFO_BOX - TITLE;
  pen.title('DADOS ADICIONAIS', M, y);
  const left = CW * 0.68;
  pen.rect(M, y + TITLE, left, INFO_BOX);
  pen.lines(['INFORMAÇÕES COMPLEMENTARES'], M + 2, y + TITLE + 1.5, left - 4, { size: 6 });
  pen.lines(lines, M + 2, y + TITLE + 9, width, INFO_STYLE);
  pen.rect(M + left, y + TITLE, CW - left, INFO_BOX);
  pen.lines(['RESERVADO AO FISCO'], M + left + 2, y + TITLE + 1.5, CW - left - 4, { size: 6 });
}
