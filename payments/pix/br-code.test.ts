import { describe, expect, it } from 'vitest';
import { PaymentDataError } from '../errors';
import { buildBrCode, emvField, isValidBrCode, parseBrCode } from './br-code';
import { crc16CcittFalse } from './crc16';

/**
 * The examples of BACEN's "Manual de Padrões para Iniciação do Pix" (Regulamento Pix, Anexo II):
 * static, dynamic, and composite with amount (§2.6.3, §2.7.2 and §2.8.5 as numbered in version
 * 2.10.0, per a public test suite that quotes them). The static one is the research notes' vector
 * (shared/research/fiscal-sync.md, A3.1), quoted as "page 16 of the specification" in
 * alesaudate/pix-qrcodegen's README and used by ACBr's TTestQRCodeEstatico; the three strings
 * appear, labelled as BACEN's examples, in several public test suites. Not read from the PDF itself.
 */
const MANUAL_STATIC =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const MANUAL_DYNAMIC =
  '00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4';
const MANUAL_COMPOSITE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406100.505802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac12000263042875';

/** `pixCopiaECola` examples of BACEN's API Pix 2.9.0 (github.com/bacen/pix-api, openapi.yaml @1f1b568). */
const API_PIX_DYNAMIC_RECURRENCE =
  '00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa35319489063047741';
const API_PIX_COBV_RECURRENCE =
  '00020101021226810014br.gov.bcb.pix2559pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e75204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/3ffa640fa4f14080adccb949fa2dc0d06304A441';
const API_PIX_RECURRENCE_ONLY =
  '00020126180014br.gov.bcb.pix5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002630462C9';

/** A dynamic code with the GUI in capitals (gist.github.com/matheusb-comp/1efa205b3c0ffd7af1e8ce63a10e02dc). */
const UPPERCASE_GUI_DYNAMIC =
  '00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB';

const EVP = '123e4567-e12b-12d1-a456-426655440000';

function errorOf(fn: () => unknown): PaymentDataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentDataError);
    return error as PaymentDataError;
  }
  throw new Error('expected a PaymentDataError, nothing was thrown');
}

/** Top-level fields of a payload, in order (without checking anything). */
function topLevel(payload: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let at = 0; at < payload.length; ) {
    const length = Number(payload.slice(at + 2, at + 4));
    out.push([payload.slice(at, at + 2), payload.slice(at + 4, at + 4 + length)]);
    at += 4 + length;
  }
  return out;
}

describe('crc16CcittFalse', () => {
  it('gives the CRC-16/CCITT-FALSE check value for "123456789"', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });
});

describe('buildBrCode', () => {
  it("reproduces the static example of BACEN's manual byte for byte", () => {
    expect(buildBrCode({ key: EVP, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA' })).toBe(MANUAL_STATIC);
  });

  it("reproduces the manual's dynamic example (a PSP location, point of initiation 12)", () => {
    const code = buildBrCode({ url: 'pix.example.com/8b3da2f39a4140d1a91abd93113bd441', merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA' });
    expect(code).toBe(MANUAL_DYNAMIC);
  });

  it("reproduces the manual's composite example, with amount 100.50 and a Pix Automático recurrence", () => {
    const code = buildBrCode({
      key: EVP,
      merchantName: 'Fulano de Tal',
      merchantCity: 'BRASILIA',
      amount: '100.50',
      recurrenceUrl: 'pix.example.com/rec/2353c790eefb11eaadc10242ac120002',
    });
    expect(code).toBe(MANUAL_COMPOSITE);
  });

  it("reproduces the API Pix 2.9.0 examples of a cob and a cobv with a recurrence", () => {
    const common = { merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA' };
    expect(
      buildBrCode({ ...common, url: 'pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441', recurrenceUrl: 'pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa353194890' }),
    ).toBe(API_PIX_DYNAMIC_RECURRENCE);
    expect(
      buildBrCode({ ...common, url: 'pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e7', recurrenceUrl: 'pix.example.com/qr/v2/rec/3ffa640fa4f14080adccb949fa2dc0d0' }),
    ).toBe(API_PIX_COBV_RECURRENCE);
  });

  it('writes amount, description, postal code and txid in the order of the manual, and a CRC over all of it', () => {
    const code = buildBrCode({
      key: 'financeiro@loja.com.br',
      description: 'Pedido 1042',
      merchantName: 'Loja do Zé',
      merchantCity: 'São Paulo',
      postalCode: '01310-100',
      amount: 1234.5,
      txid: 'PEDIDO1042',
      pointOfInitiation: 'reusable',
    });
    expect(topLevel(code)).toEqual([
      ['00', '01'],
      ['01', '11'],
      ['26', '0014br.gov.bcb.pix0122financeiro@loja.com.br0211Pedido 1042'],
      ['52', '0000'],
      ['53', '986'],
      ['54', '1234.50'],
      ['58', 'BR'],
      ['59', 'Loja do Ze'],
      ['60', 'Sao Paulo'],
      ['61', '01310100'],
      ['62', '0510PEDIDO1042'],
      ['63', crc16CcittFalse(code.slice(0, -4))],
    ]);
    expect(code.slice(-8, -4)).toBe('6304');
  });

  it('writes the DICT form of keys typed with masks, spaces or capitals', () => {
    const keyOf = (key: string) => parseBrCode(buildBrCode({ key, merchantName: 'Loja', merchantCity: 'Recife' })).key;
    expect(keyOf('529.982.247-25')).toBe('52998224725');
    expect(keyOf('11.222.333/0001-81')).toBe('11222333000181');
    expect(keyOf('12.ABC.345/01DE-35')).toBe('12ABC34501DE35'); // Receita Federal's alphanumeric CNPJ example
    expect(keyOf('+55 (11) 91234-5678')).toBe('+5511912345678');
    expect(keyOf('Financeiro@Loja.COM.br')).toBe('financeiro@loja.com.br');
    expect(keyOf('123E4567-E12B-12D1-A456-426655440000')).toBe(EVP);
  });

  it('refuses keys that are not Pix keys, naming the key', () => {
    expect(errorOf(() => buildBrCode({ key: '52998224724', merchantName: 'Loja', merchantCity: 'Recife' })).message).toMatch(/not a valid CPF/);
    expect(errorOf(() => buildBrCode({ key: '11222333000182', merchantName: 'Loja', merchantCity: 'Recife' })).message).toMatch(/not a valid CNPJ/);
    expect(errorOf(() => buildBrCode({ key: '+1 212 555 0100', merchantName: 'Loja', merchantCity: 'Recife' })).message).toMatch(/Brazilian number/);
    expect(errorOf(() => buildBrCode({ key: '(11) 91234-5678', merchantName: 'Loja', merchantCity: 'Recife' })).message).toMatch(/not a Pix key/);
    expect(errorOf(() => buildBrCode({ key: 'loja@', merchantName: 'Loja', merchantCity: 'Recife' })).message).toMatch(/not a valid e-mail key/);
    const long = `${'a'.repeat(70)}@loja.com`;
    const error = errorOf(() => buildBrCode({ key: long, merchantName: 'Loja', merchantCity: 'Recife' }));
    expect(error.field).toBe('key');
    expect(error.message).toMatch(/at most 77/);
  });

  it('drops accents from name and city, and refuses them over 25 and 15 characters unless told to cut', () => {
    const fields = Object.fromEntries(topLevel(buildBrCode({ key: EVP, merchantName: 'Açougue Irmãos Ávila', merchantCity: 'Goiânia' })));
    expect(fields['59']).toBe('Acougue Irmaos Avila');
    expect(fields['60']).toBe('Goiania');

    const tooLong = { key: EVP, merchantName: 'Comércio de Roupas São João Ltda', merchantCity: 'São José dos Campos' };
    const name = errorOf(() => buildBrCode(tooLong));
    expect(name.field).toBe('merchantName');
    expect(name.message).toMatch(/at most 25 characters/);
    const city = errorOf(() => buildBrCode({ ...tooLong, merchantName: 'Loja' }));
    expect(city.field).toBe('merchantCity');

    const cut = Object.fromEntries(topLevel(buildBrCode({ ...tooLong, truncate: true })));
    expect(cut['59']).toBe('Comercio de Roupas Sao Jo');
    expect(cut['60']).toBe('Sao Jose dos Ca');
    expect(errorOf(() => buildBrCode({ key: EVP, merchantName: 'Loja 東京', merchantCity: 'Recife' })).field).toBe('merchantName');
  });

  it('takes amounts above zero with at most two decimals', () => {
    const amountOf = (amount: string | number) => parseBrCode(buildBrCode({ key: EVP, merchantName: 'Loja', merchantCity: 'Recife', amount })).amount;
    expect(amountOf(10)).toBe('10.00');
    expect(amountOf('0.5')).toBe('0.50');
    expect(amountOf(19.9)).toBe('19.90');
    for (const bad of [0, '0.00', -1, 10.005, '10,50', 'dez']) {
      expect(errorOf(() => buildBrCode({ key: EVP, merchantName: 'Loja', merchantCity: 'Recife', amount: bad })).field).toBe('amount');
    }
    expect(errorOf(() => buildBrCode({ key: EVP, merchantName: 'Loja', merchantCity: 'Recife', amount: '10,50' })).message).toMatch(/use a dot/);
  });

  it('takes a txid of up to 25 letters and digits, "***" when none', () => {
    const txidOf = (txid?: string) => parseBrCode(buildBrCode({ key: EVP, merchantName: 'Loja', merchantCity: 'Recife', txid })).txid;
    expect(txidOf()).toBe('***');
    expect(txidOf('A'.repeat(25))).toBe('A'.repeat(25));
    expect(errorOf(() => txidOf('A'.repeat(26))).message).toMatch(/at most 25/);
    expect(errorOf(() => txidOf('PEDIDO-1042')).message).toMatch(/only letters and digits/);
    expect(errorOf(() => txidOf('pedidoº1')).field).toBe('txid');
  });

  it('keeps the description inside the 99 characters of template 26', () => {
    const description = 'Mensalidade de outubro – sócios da associação '.repeat(3);
    const error = errorOf(() => buildBrCode({ key: 'fulano@example.com', description, merchantName: 'Loja', merchantCity: 'Recife' }));
    expect(error.field).toBe('description');
    const code = buildBrCode({ key: 'fulano@example.com', description, merchantName: 'Loja', merchantCity: 'Recife', truncate: true });
    const parsed = parseBrCode(code);
    expect(parsed.description?.startsWith('Mensalidade de outubro - socios da associacao')).toBe(true);
    expect(topLevel(code).find(([id]) => id === '26')?.[1].length).toBeLessThanOrEqual(99);
  });

  it('refuses what a dynamic code must not carry, and a key together with a url', () => {
    const dynamic = { url: 'pix.example.com/qr/v2/abc', merchantName: 'Loja', merchantCity: 'Recife' };
    expect(errorOf(() => buildBrCode({ ...dynamic, amount: 10 })).field).toBe('amount');
    expect(errorOf(() => buildBrCode({ ...dynamic, txid: 'PEDIDO1' })).field).toBe('txid');
    expect(errorOf(() => buildBrCode({ ...dynamic, url: 'https://pix.example.com/qr/v2/abc' })).message).toMatch(/without the scheme/);
    expect(errorOf(() => buildBrCode({ ...dynamic, key: EVP })).message).toMatch(/either key .* or url/);
    expect(errorOf(() => buildBrCode({ merchantName: 'Loja', merchantCity: 'Recife' })).field).toBe('key');
  });
});

describe('parseBrCode', () => {
  it("returns the fields of the manual's static example", () => {
    const parsed = parseBrCode(MANUAL_STATIC);
    expect(parsed).toMatchObject({
      dynamic: false,
      pointOfInitiation: undefined,
      gui: 'br.gov.bcb.pix',
      key: EVP,
      keyType: 'evp',
      merchantCategoryCode: '0000',
      currency: '986',
      amount: undefined,
      countryCode: 'BR',
      merchantName: 'Fulano de Tal',
      merchantCity: 'BRASILIA',
      txid: '***',
      crc: '1D3D',
    });
    expect(parsed.fields.map((f) => f.id)).toEqual(['00', '26', '52', '53', '58', '59', '60', '62', '63']);
  });

  it("reads every BACEN example: dynamic, composite, API Pix's with recurrences, and a GUI in capitals", () => {
    expect(parseBrCode(MANUAL_DYNAMIC)).toMatchObject({ dynamic: true, pointOfInitiation: 'single-use', url: 'pix.example.com/8b3da2f39a4140d1a91abd93113bd441', key: undefined });
    expect(parseBrCode(MANUAL_COMPOSITE)).toMatchObject({ key: EVP, amount: '100.50', amountCents: 10050, recurrenceUrl: 'pix.example.com/rec/2353c790eefb11eaadc10242ac120002' });
    expect(parseBrCode(API_PIX_DYNAMIC_RECURRENCE)).toMatchObject({ dynamic: true, crc: '7741' });
    expect(parseBrCode(API_PIX_COBV_RECURRENCE)).toMatchObject({ url: 'pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e7', crc: 'A441' });
    expect(parseBrCode(API_PIX_RECURRENCE_ONLY)).toMatchObject({ key: undefined, url: undefined, recurrenceUrl: 'pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002', crc: '62C9' });
    expect(parseBrCode(UPPERCASE_GUI_DYNAMIC)).toMatchObject({ gui: 'BR.GOV.BCB.PIX', merchantCity: 'SAO PAULO', crc: 'EEAB' });
  });

  it('reads back what buildBrCode writes', () => {
    const input = { key: '+5511912345678', merchantName: 'Loja do Bairro', merchantCity: 'Recife', amount: '59.90', txid: 'PED42', postalCode: '50030230', description: 'Pedido 42' };
    expect(parseBrCode(buildBrCode(input))).toMatchObject({ ...input, keyType: 'phone', amountCents: 5990 });
  });

  it('refuses a tampered payload: the CRC no longer matches', () => {
    const renamed = MANUAL_STATIC.replace('Fulano de Tal', 'Fulano de Tel');
    const error = errorOf(() => parseBrCode(renamed));
    expect(error.field).toBe('crc');
    expect(error.message).toMatch(/CRC mismatch: the code says 1D3D/);

    // Someone raising the amount of a code with an amount, keeping lengths valid.
    const withAmount = buildBrCode({ key: EVP, merchantName: 'Loja', merchantCity: 'Recife', amount: '10.00' });
    expect(errorOf(() => parseBrCode(withAmount.replace('540510.00', '540590.00'))).field).toBe('crc');
    expect(errorOf(() => parseBrCode(`${MANUAL_STATIC.slice(0, -4)}1D3E`)).field).toBe('crc');
    expect(isValidBrCode(renamed)).toBe(false);
    expect(isValidBrCode(MANUAL_STATIC)).toBe(true);
  });

  it('refuses broken structure and codes that are not Pix', () => {
    expect(errorOf(() => parseBrCode(MANUAL_STATIC.slice(0, 60))).message).toMatch(/says \d+ characters but only/);
    expect(errorOf(() => parseBrCode('')).field).toBe('payload');
    const notPix = `000201${emvField('26', emvField('00', 'com.example.other') + emvField('01', '12345678901'))}5204000053039865802BR5904Loja6006Recife62070503***6304`;
    expect(errorOf(() => parseBrCode(notPix + crc16CcittFalse(notPix))).message).toMatch(/not a Pix BR Code/);
    const noTxid = '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA6304';
    expect(errorOf(() => parseBrCode(noTxid + crc16CcittFalse(noTxid))).field).toBe('additionalData');
  });
});
