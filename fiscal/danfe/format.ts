/**
 * How the DANFE writes the XML's values: Brazilian decimals, masked documents, the access key in
 * blocks of four and dates as the issuer wrote them. Pure text work on the XML's strings: amounts
 * are never turned into floats, and dates keep their own offset (the issuer's local time is what
 * the document says, whatever the server's time zone).
 */

/** "1234.5" → "1.234,50": at least `minDecimals`, the zeros beyond them dropped (unit prices carry up to 10). */
export function decimal(value: string, minDecimals = 2, maxDecimals = 10): string {
  const raw = value.trim();
  if (raw === '' || !/^-?\d+(\.\d+)?$/.test(raw)) return raw;
  const negative = raw.startsWith('-');
  const [whole, fraction = ''] = raw.replace('-', '').split('.');
  let decimals = fraction.slice(0, maxDecimals).padEnd(minDecimals, '0');
  while (decimals.length > minDecimals && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped}${decimals ? `,${decimals}` : ''}`;
}

/** Money: two decimals, "0,00" for an absent total (the DANFE's boxes are never left blank). */
export function money(value: string): string {
  return decimal(value === '' ? '0' : value, 2, 2);
}

/** The 44 characters in 11 blocks of four, as the DANFE prints the key. */
export function accessKeyBlocks(key: string): string {
  return key.replace(/(.{4})(?=.)/g, '$1 ');
}

/** nNF with nine digits in groups of three: 1042 → "000.001.042". */
export function documentNumber(number: string): string {
  return number.padStart(9, '0').replace(/(\d{3})(?=\d)/g, '$1.');
}

export function seriesNumber(series: string): string {
  return series.padStart(3, '0');
}

/** CNPJ (14 characters, alphanumeric ones included) or CPF (11 digits), masked. */
export function cnpjOrCpf(document: string): string {
  if (/^[0-9A-Z]{12}\d{2}$/.test(document)) return document.replace(/^(..)(...)(...)(....)(..)$/, '$1.$2.$3/$4-$5');
  if (/^\d{11}$/.test(document)) return document.replace(/^(...)(...)(...)(..)$/, '$1.$2.$3-$4');
  return document;
}

export function postalCode(cep: string): string {
  return /^\d{8}$/.test(cep) ? `${cep.slice(0, 5)}-${cep.slice(5)}` : cep;
}

/** "1130001000" → "(11) 3000-1000"; anything else as written. */
export function phone(digits: string): string {
  const m = /^(\d{2})(\d{4,5})(\d{4})$/.exec(digits);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : digits;
}

/** The date and time parts of an ISO date-time with offset, in the offset it was written with. */
function parts(iso: string): { date: string; time: string } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? { date: `${m[3]}/${m[2]}/${m[1]}`, time: m[4] } : undefined;
}

export function date(iso: string): string {
  return parts(iso)?.date ?? '';
}

export function time(iso: string): string {
  return parts(iso)?.time ?? '';
}

export function dateTime(iso: string): string {
  const p = parts(iso);
  return p ? `${p.date} ${p.time}` : iso;
}

/** One line of an address, the parts the XML has. */
export function addressLine(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p && p.trim() !== '').join(', ');
}

/** modFrete as the transport block names it. */
export const FREIGHT_MODES: Record<string, string> = {
  '0': '0 - POR CONTA DO REMETENTE (CIF)',
  '1': '1 - POR CONTA DO DESTINATÁRIO (FOB)',
  '2': '2 - POR CONTA DE TERCEIROS',
  '3': '3 - TRANSPORTE PRÓPRIO DO REMETENTE',
  '4': '4 - TRANSPORTE PRÓPRIO DO DESTINATÁRIO',
  '9': '9 - SEM OCORRÊNCIA DE TRANSPORTE',
};

/** tPag in words, for the NFC-e's payment lines. */
export const PAYMENT_METHODS: Record<string, string> = {
  '01': 'Dinheiro',
  '02': 'Cheque',
  '03': 'Cartão de Crédito',
  '04': 'Cartão de Débito',
  '05': 'Crédito Loja',
  '10': 'Vale Alimentação',
  '11': 'Vale Refeição',
  '12': 'Vale Presente',
  '13': 'Vale Combustível',
  '15': 'Boleto Bancário',
  '16': 'Depósito Bancário',
  '17': 'Pagamento Instantâneo (PIX)',
  '18': 'Transferência bancária, Carteira Digital',
  '19': 'Programa de fidelidade, Cashback, Crédito Virtual',
  '20': 'Pagamento Instantâneo (PIX) - Estático',
  '21': 'Crédito em Loja',
  '22': 'Pagamento Eletrônico não Informado',
  '90': 'Sem pagamento',
  '99': 'Outros',
};
