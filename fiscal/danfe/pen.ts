/**
 * A thin layer over pdfkit for forms made of boxes: labelled cells, lines wrapped by this code
 * (so a layout knows every block's height before it draws, and pagination is decided up front)
 * and the two codes as vector rectangles. pdfkit's own flowing text would add pages by itself
 * when a string reaches the bottom margin, which a form laid out to the point cannot have.
 *
 * Fonts: the MOC's DANFE chapter asks for Times New Roman or Courier New; PDF's standard
 * Times-Roman has the same metrics and needs no font file, and its WinAnsi encoding covers every
 * character the NF-e layout accepts (Latin-1).
 */
import PDFDocument from 'pdfkit';
import type { LinearBarcode, QrMatrix } from './codes';

export const FONT = 'Times-Roman';
export const BOLD = 'Times-Bold';
/** Millimetres to PDF points. */
export const mm = (value: number) => (value * 72) / 25.4;

export interface TextStyle {
  size: number;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
}

export class Pen {
  readonly doc: PDFKit.PDFDocument;

  constructor(options: { size: [number, number]; title: string }) {
    this.doc = new PDFDocument({
      size: options.size,
      margin: 0,
      autoFirstPage: false,
      info: { Title: options.title, Creator: 'Ponte', Producer: 'Ponte' },
      lang: 'pt-BR',
    });
  }

  page(size: [number, number]) {
    this.doc.addPage({ size, margin: 0 });
  }

  private use(style: TextStyle) {
    this.doc.font(style.bold ? BOLD : FONT).fontSize(style.size);
  }

  width(text: string, style: TextStyle): number {
    this.use(style);
    return this.doc.widthOfString(text);
  }

  lineHeight(style: TextStyle): number {
    return style.size * 1.15;
  }

  /**
   * `text` broken into lines no wider than `width`, at spaces where possible; a word longer than
   * the line (a URL, a key) is cut where it must be.
   */
  wrap(text: string, width: number, style: TextStyle): string[] {
    this.use(style);
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.doc.widthOfString(candidate) <= width) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        line = word;
        while (this.doc.widthOfString(line) > width) {
          let cut = line.length - 1;
          while (cut > 1 && this.doc.widthOfString(line.slice(0, cut)) > width) cut--;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      }
      if (line) lines.push(line);
    }
    return lines;
  }

  /** Lines from the top-left corner (x, y), each within `width`; returns the y under the last. */
  lines(lines: string[], x: number, y: number, width: number, style: TextStyle): number {
    this.use(style);
    const step = this.lineHeight(style);
    for (const line of lines) {
      // Placed by hand: given a width, pdfkit wraps again by its own measure, and may disagree with wrap().
      const free = width - this.doc.widthOfString(line);
      const dx = style.align === 'center' ? free / 2 : style.align === 'right' ? free : 0;
      this.doc.text(line, x + Math.max(0, dx), y, { lineBreak: false });
      y += step;
    }
    return y;
  }

  /** Wrapped text; returns the y under it. */
  text(text: string, x: number, y: number, width: number, style: TextStyle): number {
    return this.lines(this.wrap(text, width, style), x, y, width, style);
  }

  /** One line, the font made smaller (down to `min`) until it fits `width`. */
  fit(text: string, x: number, y: number, width: number, style: TextStyle, min = 5) {
    let size = style.size;
    while (size > min && this.width(text, { ...style, size }) > width) size -= 0.25;
    this.lines([text], x, y, width, { ...style, size });
  }

  rect(x: number, y: number, w: number, h: number, lineWidth = 0.5) {
    this.doc.lineWidth(lineWidth).rect(x, y, w, h).stroke();
  }

  line(x1: number, y1: number, x2: number, y2: number, lineWidth = 0.5, dash?: number) {
    this.doc.save().lineWidth(lineWidth);
    if (dash) this.doc.dash(dash, { space: dash });
    this.doc.moveTo(x1, y1).lineTo(x2, y2).stroke().restore();
  }

  /**
   * A form cell: its border, the field's name small in capitals at the top and the value under
   * it (MOC: names in capitals of at least 6 points, 5 in the items' table).
   */
  cell(x: number, y: number, w: number, h: number, label: string, value: string, options: { align?: TextStyle['align']; size?: number; bold?: boolean } = {}) {
    this.rect(x, y, w, h);
    this.fit(label.toUpperCase(), x + 2, y + 1.5, w - 4, { size: 6 }, 6);
    const size = options.size ?? 8.5;
    this.fit(value, x + 2, y + h - size * 1.15 - 1.5, w - 4, { size, bold: options.bold, align: options.align ?? 'left' }, 6);
  }

  /** A block's title above its cells: bold capitals. */
  title(text: string, x: number, y: number) {
    this.lines([text.toUpperCase()], x, y + 1, 400, { size: 6.5, bold: true });
  }

  /** Bars from the left edge at x; `module` points per module. */
  barcode(code: LinearBarcode, x: number, y: number, module: number, height: number) {
    this.doc.save().fillColor('black');
    let at = x;
    code.widths.forEach((w, i) => {
      if (i % 2 === 0) this.doc.rect(at, y, w * module, height);
      at += w * module;
    });
    this.doc.fill().restore();
  }

  /** The QR code's dark modules from the top-left corner (x, y), `side` points wide (quiet zone not included). */
  qr(matrix: QrMatrix, x: number, y: number, side: number) {
    const module = side / matrix.size;
    this.doc.save().fillColor('black');
    for (let row = 0; row < matrix.size; row++) {
      for (let col = 0; col < matrix.size; col++) {
        // A hairline of overlap so no white seam shows between neighbouring modules.
        if (matrix.dark(col, row)) this.doc.rect(x + col * module, y + row * module, module + 0.05, module + 0.05);
      }
    }
    this.doc.fill().restore();
  }

  /** "SEM VALOR FISCAL" across the page, pale, under everything drawn after it. */
  watermark(pageWidth: number, pageHeight: number, size: number) {
    const text = 'SEM VALOR FISCAL';
    this.use({ size, bold: true });
    const w = this.doc.widthOfString(text);
    const angle = (-Math.atan2(pageHeight, pageWidth) * 180) / Math.PI;
    this.doc
      .save()
      .rotate(angle, { origin: [pageWidth / 2, pageHeight / 2] })
      .fillColor('#000000', 0.12)
      .text(text, pageWidth / 2 - w / 2, pageHeight / 2 - size / 2, { lineBreak: false })
      .restore();
    this.doc.fillColor('black', 1);
  }

  /** The finished PDF. */
  finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    return new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
      this.doc.end();
    });
  }
}
