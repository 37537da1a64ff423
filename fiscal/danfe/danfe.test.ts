/**
 * The DANFE read back from the PDF itself: its text through pdf.js, and its two codes rebuilt
 * from the rectangles the page fills (pdf.js's operator list) and decoded — the CODE-128 bars by
 * the symbology's own table below, the QR code by jsQR — so what is checked is what a printer
 * and a phone would see, not what the renderer meant to draw.
 */
import jsQR from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeProtocol } from '../../connectors/sefaz/protocol';
import { HOMOLOGATION_ITEM_DESCRIPTION, HOMOLOGATION_RECIPIENT_NAME, buildNfe } from '../nfe/build';
import { readA1 } from '../nfe/certificate';
import { digestValueOf, signNfe } from '../nfe/sign';
import { createTestCa } from '../testing/certificates';
import { nfce, regimeNormalNfe, simplesNacionalNfe } from '../testing/samples';
import type { A1Certificate, NfeInput } from '../types';
import { accessKeyBarcode, readDanfe, renderDanfe } from '.';
import { authorisedProc, SP_NFCE_CONSULT_URL } from './testing';

let cert: A1Certificate;

beforeAll(() => {
  cert = readA1(createTestCa().issueA1({ cnpj: '58716523000119', name: 'LOJA EXEMPLO LTDA', password: 'p' }).pfxBase64, 'p');
});

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface PdfPage {
  width: number;
  height: number;
  /** Every text run, in drawing order. */
  items: string[];
  text: string;
  /** The rectangles of each fill operation, in page coordinates (origin bottom-left). */
  fills: Rect[][];
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

async function readPdf(pdf: Buffer): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const items = content.items.map((i) => ('str' in i ? i.str : '')).filter((s) => s.trim() !== '');
    const ops = await page.getOperatorList();
    const fills: Rect[][] = [];
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const stack: Matrix[] = [];
    ops.fnArray.forEach((fn, i) => {
      const args = ops.argsArray[i];
      if (fn === OPS.save) stack.push(ctm);
      else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
      else if (fn === OPS.transform) ctm = multiply(args as Matrix, ctm);
      else if (fn === OPS.constructPath && (args[0] === OPS.fill || args[0] === OPS.eoFill)) {
        // pdf.js 5 path data: 0 moveTo x y, 1 lineTo x y, 4 closePath; pdfkit's rect() is one closed four-point path.
        const data = Array.from(args[1][0] as ArrayLike<number>);
        const rects: Rect[] = [];
        let points: Array<[number, number]> = [];
        const close = () => {
          if (points.length >= 4) {
            const xs = points.map(([x, y]) => ctm[0] * x + ctm[2] * y + ctm[4]);
            const ys = points.map(([x, y]) => ctm[1] * x + ctm[3] * y + ctm[5]);
            rects.push({ x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) });
          }
          points = [];
        };
        for (let k = 0; k < data.length; ) {
          const op = data[k];
          if (op === 0) {
            close();
            points.push([data[k + 1], data[k + 2]]);
            k += 3;
          } else if (op === 1) {
            points.push([data[k + 1], data[k + 2]]);
            k += 3;
          } else if (op === 4) {
            close();
            k += 1;
          } else {
            k += op === 2 ? 7 : 5;
          }
        }
        close();
        fills.push(rects);
      }
    });
    const [, , width, height] = page.view;
    pages.push({ width, height, items, text: items.join('\n'), fills });
  }
  return pages;
}

/** CODE-128's symbol table (ISO/IEC 15417): bar/space widths of values 0–106 (106 is Stop). */
const CODE128 = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222 ' +
  '123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321 ' +
  '232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 ' +
  '313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 ' +
  '111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 ' +
  '114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112'
).split(' ');

/** Bar/space widths (bar first) → the digits of a code set C symbol, its check symbol verified. */
function decodeCode128C(widths: number[]): string {
  const symbols: number[] = [];
  for (let i = 0; i < widths.length; i += 6) {
    const pattern = widths.slice(i, i + (widths.length - i === 7 ? 7 : 6)).join('');
    const value = CODE128.indexOf(pattern);
    if (value < 0) throw new Error(`no CODE-128 symbol is ${pattern}`);
    symbols.push(value);
    if (value === 106) break;
  }
  expect(symbols[0], 'Start C').toBe(105);
  expect(symbols.at(-1), 'Stop').toBe(106);
  const data = symbols.slice(1, -2);
  const check = symbols.at(-2)!;
  expect((105 + data.reduce((sum, v, i) => sum + v * (i + 1), 0)) % 103, 'mod-103 check symbol').toBe(check);
  return data.map((v) => String(v).padStart(2, '0')).join('');
}

/** The bars of the page's barcode (the fill of many equal-height thin rectangles) as module widths. */
function barcodeWidths(page: PdfPage): number[] {
  const bars = page.fills.find((rects) => rects.length > 40 && rects.every((r) => Math.abs(r.h - rects[0].h) < 0.01 && r.w < 4));
  if (!bars) throw new Error('no barcode on the page');
  const sorted = [...bars].sort((a, b) => a.x - b.x);
  const module = Math.min(...sorted.map((r) => r.w));
  const widths: number[] = [];
  sorted.forEach((bar, i) => {
    if (i > 0) widths.push(Math.round((bar.x - (sorted[i - 1].x + sorted[i - 1].w)) / module));
    widths.push(Math.round(bar.w / module));
  });
  return widths;
}

/** The QR code's modules (the fill of many small squares) painted onto a white image, 4 px each, and decoded. */
function decodeQr(page: PdfPage): string | undefined {
  const squares = page.fills.find((rects) => rects.length > 200 && rects.every((r) => Math.abs(r.w - r.h) < 0.01));
  if (!squares) throw new Error('no QR code on the page');
  const module = Math.min(...squares.map((r) => r.w)) - 0.05;
  const left = Math.min(...squares.map((r) => r.x));
  const top = Math.max(...squares.map((r) => r.y + r.h));
  const size = Math.round((Math.max(...squares.map((r) => r.x + r.w)) - left) / module);
  const scale = 4;
  const quiet = 4;
  const side = (size + 2 * quiet) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const r of squares) {
    const col = Math.round((r.x - left) / module);
    const row = Math.round((top - (r.y + r.h)) / module);
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const at = (((row + quiet) * scale + dy) * side + (col + quiet) * scale + dx) * 4;
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
      }
    }
  }
  return jsQR(pixels, side, side)?.data;
}

const brl = (amount: string) => Number(amount).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const blocks = (key: string) => key.match(/.{4}/g)!.join(' ');

function production(input: NfeInput): NfeInput {
  return { ...input, environment: 1 };
}

describe('renderDanfe: NF-e (model 55), A4 portrait', () => {
  it('prints the key in blocks of 4, number and series, the protocol, both parties, the items and the totals', async () => {
    const input = production(regimeNormalNfe());
    const proc = authorisedProc(input, cert, { protocol: '135260000000027', receivedAt: '2026-11-24T16:41:07-03:00' });
    const pdf = await renderDanfe(proc.procXml);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const [page, ...more] = await readPdf(pdf);
    expect(more).toHaveLength(0);
    expect([page.width, page.height].map(Math.round)).toEqual([595, 842]);
    const { items, text } = page;

    expect(items).toContain('DANFE');
    expect(items).toContain('DOCUMENTO AUXILIAR DA');
    expect(items).toContain(blocks(proc.accessKey));
    expect(blocks(proc.accessKey)).toMatch(/^(\d{4} ){10}\d{4}$/);
    expect(items.filter((s) => s === 'Nº 000.000.027')).toHaveLength(2);
    expect(items.filter((s) => s === 'SÉRIE 003')).toHaveLength(2);
    expect(items).toContain('FOLHA 1/1');
    expect(items).toContain('1'); // 1 - SAÍDA
    expect(items).toContain('135260000000027 - 24/11/2026 16:41:07');
    expect(items).toContain('VENDA');
    expect(items).toContain('Loja Exemplo Comércio de Utilidades Ltda');
    expect(items).toContain('58.716.523/0001-19');
    expect(items).toContain('Distribuidora Rio Ltda');
    expect(items).toContain('11.222.333/0001-81');
    expect(items).toContain('Rio de Janeiro');
    for (const item of input.items) expect(items, item.description).toContain(item.description);
    for (const code of ['A1', 'A2', 'A3', 'A4']) expect(items).toContain(code);
    // Items: NCM, origin + CST, CFOP, quantity and unit price the Brazilian way.
    expect(items).toEqual(expect.arrayContaining(['76151000', '000', '120', '040', '060', '6102', '6405', '2,0000', '129,90', '259,80']));
    // Totals block.
    expect(proc.total).toBe('426.15');
    expect(items).toContain(brl(proc.total));
    expect(items).toContain('423,70'); // products
    expect(items).toContain('12,35'); // freight
    expect(items).toContain('9,90'); // discount
    expect(text).toContain('VALOR TOTAL DA NOTA');
    expect(text).toContain('0 - POR CONTA DO REMETENTE (CIF)');
    // Production: no watermark anywhere.
    expect(items).not.toContain('SEM VALOR FISCAL');
    expect(text).not.toContain('SEM VALOR FISCAL');
  });

  it('marks a homologation DANFE "SEM VALOR FISCAL", with the names SEFAZ demands there', async () => {
    const input = simplesNacionalNfe();
    const proc = authorisedProc(input, cert);
    const [page] = await readPdf(await renderDanfe(proc.procXml));
    expect(page.items).toContain('SEM VALOR FISCAL');
    expect(page.text).toContain(HOMOLOGATION_RECIPIENT_NAME);
    // The first item's description is the homologation one (wrapped in its cell), the second as given, XML escapes undone.
    expect(page.text.replace(/\n/g, ' ')).toContain(HOMOLOGATION_ITEM_DESCRIPTION);
    expect(page.items).toContain('Prato raso "Linha Clássica" <27 cm>');
    expect(page.items).toContain('O/CSOSN');
    expect(page.items).toContain('0101');
    expect(page.items).toContain('33,3333333333');
    expect(page.items).toContain(brl(proc.total));
    expect(page.items).toContain('Documento emitido por ME ou EPP optante pelo Simples Nacional.');
  });

  it('draws the key as CODE-128 set C: the bars in the PDF decode to its 44 digits', async () => {
    const proc = authorisedProc(simplesNacionalNfe(), cert);
    const [page] = await readPdf(await renderDanfe(proc.procXml));
    const widths = barcodeWidths(page);
    expect(widths).toEqual(accessKeyBarcode(proc.accessKey).widths);
    expect(decodeCode128C(widths)).toBe(proc.accessKey);
    // 22 digit pairs between Start C, the check symbol and Stop: 25 symbols of 11 modules and a Stop of 13.
    expect(widths.reduce((a, b) => a + b, 0)).toBe(24 * 11 + 13);
  });

  it('continues the items on further sheets, each with the document block and "FOLHA n/N", and long notes after them', async () => {
    const input = production(regimeNormalNfe());
    input.items = Array.from({ length: 60 }, (_, i) => ({ ...input.items[i % 4], code: `P${String(i + 1).padStart(2, '0')}`, description: `Produto de teste número ${i + 1}` }));
    input.payments = [{ method: '17', amount: 20_000 }];
    input.additionalInfo = `${'Entrega agendada com o cliente pelo canal de vendas. '.repeat(60)}Fim das observações.`;
    const proc = authorisedProc(input, cert);
    const pages = await readPdf(await renderDanfe(proc.procXml));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, n) => {
      expect(page.items).toContain(`FOLHA ${n + 1}/${pages.length}`);
      expect(page.items).toContain(blocks(proc.accessKey));
      expect(decodeCode128C(barcodeWidths(page))).toBe(proc.accessKey);
    });
    const all = pages.flatMap((p) => p.items);
    for (let i = 1; i <= 60; i++) expect(all.filter((s) => s === `Produto de teste número ${i}`), `item ${i}`).toHaveLength(1);
    // Only the first sheet has the stub and the recipient.
    expect(pages[0].text).toContain('DATA DE RECEBIMENTO');
    expect(pages.slice(1).some((p) => p.text.includes('DATA DE RECEBIMENTO') || p.text.includes('DESTINATÁRIO / REMETENTE'))).toBe(false);
    const notes = pages.at(-1)!.text;
    expect(notes).toContain('DADOS ADICIONAIS - INFORMAÇÕES COMPLEMENTARES (CONTINUAÇÃO)');
    expect(notes).toContain('Fim das observações.');
  });

  it('refuses what is not an authorised nfeProc', async () => {
    const input = simplesNacionalNfe();
    const signed = signNfe(buildNfe(input).xml, cert);
    await expect(renderDanfe(signed)).rejects.toThrow(/no protNFe/);
    const key = buildNfe(input).accessKey;
    const denied = mergeProtocol(
      signed,
      `<protNFe versao="4.00"><infProt><tpAmb>2</tpAmb><verAplic>SP</verAplic><chNFe>${key}</chNFe><dhRecbto>2026-11-24T10:16:00-03:00</dhRecbto>` +
        `<nProt>135260000000099</nProt><digVal>${digestValueOf(signed)}</digVal><cStat>302</cStat><xMotivo>Uso Denegado</xMotivo></infProt></protNFe>`,
    );
    await expect(renderDanfe(denied)).rejects.toThrow(/cStat 302/);
    await expect(renderDanfe('<nfeProc')).rejects.toThrow(/not well-formed|no NFe/);
  });
});

describe('renderDanfe: NFC-e (model 65), 80 mm receipt', () => {
  it('prints issuer, items, total, payment, where to consult, the key, the consumer and the protocol', async () => {
    const input = nfce();
    const proc = authorisedProc(input, cert, { protocol: '135260000005310', receivedAt: '2026-11-24T12:04:02-03:00' });
    const pages = await readPdf(await renderDanfe(proc.procXml));
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(Math.round((page.width * 25.4) / 72)).toBe(80);
    const { items, text } = page;
    expect(items).toContain('Loja Exemplo Comércio de Utilidades Ltda');
    expect(text).toContain('CNPJ 58.716.523/0001-19');
    expect(text.replace(/\n/g, ' ')).toContain(`CAF-01 ${HOMOLOGATION_ITEM_DESCRIPTION}`);
    const lines = [
      'PAO-02 Pão francês', '0,456 KG x 14,90', '6,79',
      'Valor a pagar R$', brl(proc.total), 'Dinheiro', '50,00', 'Troco R$', '8,23',
      'Consulte pela Chave de Acesso em', SP_NFCE_CONSULT_URL, blocks(proc.accessKey),
      'NFC-e nº 000.005.310 Série 001 24/11/2026 12:03:44', 'Protocolo de autorização: 135260000005310', 'Data de autorização: 24/11/2026 12:04:02',
      'SEM VALOR FISCAL',
    ];
    for (const line of lines) expect(items, line).toContain(line);
    expect(text).toContain('CONSUMIDOR - CPF 529.982.247-25');
  });

  it("draws the QR code of infNFeSupl/qrCode: the modules in the PDF decode to it", async () => {
    const proc = authorisedProc(nfce(), cert);
    expect(proc.qrCode).toMatch(/^https:\/\/.*\?p=\d{44}\|2\|2\|1\|[0-9A-F]{40}$/);
    expect(readDanfe(proc.procXml).qrCode).toBe(proc.qrCode);
    const [page] = await readPdf(await renderDanfe(proc.procXml));
    expect(decodeQr(page)).toBe(proc.qrCode);
    // At least 25 mm a side, as the NFC-e manual asks.
    const squares = page.fills.find((rects) => rects.length > 200)!;
    const side = Math.max(...squares.map((r) => r.x + r.w)) - Math.min(...squares.map((r) => r.x));
    expect((side * 25.4) / 72).toBeGreaterThanOrEqual(25);
  });

  it('names an unidentified consumer and leaves the homologation mark out in production', async () => {
    const input: NfeInput = { ...nfce(), environment: 1, recipient: undefined };
    const proc = authorisedProc(input, cert);
    const [page] = await readPdf(await renderDanfe(proc.procXml));
    expect(page.items).toContain('CONSUMIDOR NÃO IDENTIFICADO');
    expect(page.items).toContain('CAF-01 Café torrado e moído 500 g');
    expect(page.items).not.toContain('SEM VALOR FISCAL');
    expect(decodeQr(page)).toBe(proc.qrCode);
  });
});
