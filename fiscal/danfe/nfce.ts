/**
 * The DANFE NFC-e (model 65) as an 80 mm receipt (Manual de Especificações Técnicas do DANFE
 * NFC-e e QR Code): the issuer, the items, the totals and payments, the fiscal message
 * (homologation, contingency), where to look the key up and the key in blocks of four, the
 * consumer, the number, series, issue and the authorisation protocol, the QR code, then the
 * issuer's notes. One page as long as its content: laid out once to measure, then drawn.
 */
import { qrMatrix } from './codes';
import * as f from './format';
import { mm, Pen, type TextStyle } from './pen';
import type { DanfeData } from './read';

const WIDTH = mm(80);
const MARGIN = mm(4);
const CW = WIDTH - 2 * MARGIN;
const QR_SIDE = mm(32);
const SMALL: TextStyle = { size: 7 };
const BODY: TextStyle = { size: 7.5 };

/** Cents of a decimal string ("12.3" → 1230n), to add the charges the receipt shows as one. */
function cents(value: string): bigint {
  const [whole, fraction = ''] = (value || '0').split('.');
  return BigInt(whole || '0') * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

function centsText(value: bigint): string {
  return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

export async function renderNfce(data: DanfeData): Promise<Buffer> {
  const measure = new Pen({ size: [WIDTH, 10_000], title: '' });
  measure.page([WIDTH, 10_000]);
  const height = receipt(measure, data) + MARGIN;
  const pen = new Pen({ size: [WIDTH, height], title: `DANFE NFC-e ${data.accessKey}` });
  pen.page([WIDTH, height]);
  receipt(pen, data);
  return pen.finish();
}

/** Draws the receipt from the top; returns where it ends. */
function receipt(pen: Pen, data: DanfeData): number {
  const x = MARGIN;
  let y = MARGIN;
  const centre = (text: string, style: TextStyle) => (y = pen.text(text, x, y, CW, { ...style, align: 'center' }));
  const pair = (label: string, value: string, style: TextStyle = BODY) => {
    const valueWidth = pen.width(value, style) + 2;
    pen.lines([value], x, y, CW, { ...style, align: 'right' });
    y = pen.text(label, x, y, CW - valueWidth, style);
  };
  const rule = () => {
    y += 2;
    pen.line(x, y, x + CW, y, 0.4, 1.5);
    y += 3;
  };

  // The issuer.
  const issuer = data.issuer;
  const a = issuer.address;
  centre(issuer.name, { size: 8.5, bold: true });
  centre(`CNPJ ${f.cnpjOrCpf(issuer.document)} IE ${issuer.ie}`, SMALL);
  if (a) centre(`${f.addressLine(a.street, a.number, a.complement, a.district)}, ${a.city} - ${a.uf}`, SMALL);
  rule();
  centre('DANFE NFC-e - Documento Auxiliar da Nota Fiscal de Consumidor Eletrônica', { size: 7, bold: true });
  rule();

  // The items: code and description, then quantity × unit price and the item's total.
  pen.lines(['CÓDIGO DESCRIÇÃO'], x, y, CW, { size: 6.5, bold: true });
  y = pen.lines(['QTDE UN x VL UNIT   VL TOTAL'], x, y, CW, { size: 6.5, bold: true, align: 'right' });
  for (const item of data.items) {
    y = pen.text(`${item.code} ${item.description}`, x, y + 1, CW, BODY);
    pair(`${f.decimal(item.quantity, 0, 4)} ${item.unit} x ${f.decimal(item.unitPrice, 2, 10)}`, f.money(item.total), SMALL);
  }
  rule();

  // Totals and payments.
  const t = data.totals;
  pair('Qtde. total de itens', String(data.items.length));
  pair('Valor total R$', f.money(t.products));
  if (cents(t.discount) > 0n) pair('Descontos R$', f.money(t.discount));
  const extras = cents(t.freight) + cents(t.insurance) + cents(t.other);
  if (extras > 0n) pair('Acréscimos R$', f.money(centsText(extras)));
  pair('Valor a pagar R$', f.money(t.total), { size: 8.5, bold: true });
  pair('FORMA DE PAGAMENTO', 'VALOR PAGO R$', { size: 6.5, bold: true });
  for (const p of data.payments) pair(p.method === '99' && p.description ? p.description : (f.PAYMENT_METHODS[p.method] ?? p.method), f.money(p.amount));
  if (data.change && cents(data.change) > 0n) pair('Troco R$', f.money(data.change));
  rule();

  // The fiscal message: homologation and contingency say so before anything else is read.
  if (data.environment === 2) {
    centre('EMITIDA EM AMBIENTE DE HOMOLOGAÇÃO', { size: 8, bold: true });
    centre('SEM VALOR FISCAL', { size: 8, bold: true });
  }
  if (data.emissionType === '9') {
    centre('EMITIDA EM CONTINGÊNCIA', { size: 8, bold: true });
    if (data.contingency) centre(`desde ${f.dateTime(data.contingency.at)}: ${data.contingency.reason}`, SMALL);
  }
  if (data.environment === 2 || data.emissionType === '9') rule();

  // Where and how to look the note up.
  centre('Consulte pela Chave de Acesso em', { size: 7.5, bold: true });
  if (data.consultUrl) centre(data.consultUrl, SMALL);
  centre(f.accessKeyBlocks(data.accessKey), { size: 7.5 });
  rule();

  // The consumer.
  const r = data.recipient;
  if (r && r.document) {
    centre(`CONSUMIDOR - ${r.document.length === 11 ? 'CPF' : 'CNPJ'} ${f.cnpjOrCpf(r.document)}${r.name ? ` - ${r.name}` : ''}`, { size: 7.5, bold: true });
    if (r.address) centre(`${f.addressLine(r.address.street, r.address.number, r.address.complement, r.address.district)}, ${r.address.city} - ${r.address.uf}`, SMALL);
  } else {
    centre('CONSUMIDOR NÃO IDENTIFICADO', { size: 7.5, bold: true });
  }
  rule();

  // The note and its authorisation.
  centre(`NFC-e nº ${f.documentNumber(data.number)} Série ${f.seriesNumber(data.series)} ${f.dateTime(data.issuedAt)}`, { size: 7.5, bold: true });
  centre(`Protocolo de autorização: ${data.protocol.number}`, BODY);
  centre(`Data de autorização: ${f.dateTime(data.protocol.receivedAt)}`, BODY);
  y += 3;

  // The QR code.
  centre('Consulta via leitor de QR Code', SMALL);
  y += 2;
  pen.qr(qrMatrix(data.qrCode), x + (CW - QR_SIDE) / 2, y, QR_SIDE);
  y += QR_SIDE + 4;

  // What the issuer added: approximate taxes (Lei 12.741/2012) and notes.
  if (t.approximateTaxes && cents(t.approximateTaxes) > 0n) {
    centre(`Tributos Totais Incidentes (Lei Federal 12.741/2012): R$ ${f.money(t.approximateTaxes)}`, SMALL);
  }
  if (data.additionalInfo || data.fiscoInfo) {
    rule();
    centre('Informações adicionais de interesse do contribuinte', { size: 6.5, bold: true });
    for (const note of [data.fiscoInfo, data.additionalInfo].filter(Boolean)) centre(note, SMALL);
  }
  return y;
}
