/**
 * Documents for tests and simulators: a Simples Nacional NF-e, a regime-normal interstate NF-e and
 * an NFC-e, all in homologation with a fixed cNF so their keys and XML are stable. The issuer's
 * CNPJ is the one in sped-nfe's fake/nfe.xml; the other CNPJs and the CPF are well-known test
 * numbers with valid check digits. Each call returns a fresh copy to mutate.
 */
import type { Issuer, NfeInput } from '../types';

export const SAMPLE_ISSUER_CNPJ = '58716523000119';

function issuer(crt: Issuer['crt']): Issuer {
  return {
    cnpj: SAMPLE_ISSUER_CNPJ,
    ie: '111111111111',
    name: 'Loja Exemplo Comércio de Utilidades Ltda',
    tradeName: 'Loja Exemplo',
    crt,
    address: {
      street: 'Avenida Paulista',
      number: '1000',
      complement: 'Conjunto 12',
      district: 'Bela Vista',
      cityCode: '3550308',
      city: 'São Paulo',
      uf: 'SP',
      postalCode: '01310-100',
      phone: '(11) 3000-1000',
    },
  };
}

const TECHNICAL_RESPONSIBLE = { cnpj: '11222333000181', contact: 'Equipe Ponte', email: 'fiscal@ponte.example', phone: '11999990000' };

/** Model 55, CRT 1: CSOSN 102 and 101 (with credit), PIS/COFINS 49, a discount and freight, paid by boleto. */
export function simplesNacionalNfe(): NfeInput {
  return {
    model: 55,
    environment: 2,
    series: 1,
    number: 1042,
    cnf: '20481632',
    issuedAt: '2026-11-24T10:15:00-03:00',
    operation: 'VENDA DE MERCADORIA',
    issuer: issuer(1),
    recipient: {
      document: '33.009.911/0025-06',
      name: 'Cliente Atacado & Filhos Ltda',
      ieIndicator: 1,
      ie: '222222222222',
      email: 'compras@cliente.example',
      address: {
        street: 'Rua das Flores',
        number: '25',
        district: 'Centro',
        cityCode: '3509502',
        city: 'Campinas',
        uf: 'SP',
        postalCode: '13010-000',
      },
    },
    items: [
      {
        code: 'CAN-001',
        gtin: 'SEM GTIN',
        description: 'Caneca de cerâmica 300 ml',
        ncm: '6912.00.00',
        cfop: '5102',
        unit: 'UN',
        quantity: 3,
        unitPrice: 19.9,
        discount: 2.7,
        freight: 5,
        taxes: { origin: 0, csosn: '101', simplesCreditRate: 1.25, pisCst: '49', cofinsCst: '49' },
      },
      {
        code: 'PRA-002',
        gtin: '7891000315507',
        description: 'Prato raso "Linha Clássica" <27 cm>',
        ncm: '69111010',
        cest: '14.001.00',
        cfop: '5102',
        unit: 'CX',
        quantity: 1.5,
        unitPrice: 33.3333333333,
        taxes: { origin: 0, csosn: '102', pisCst: '49', cofinsCst: '49' },
      },
    ],
    payments: [{ method: '15', amount: 112 }],
    freightMode: 0,
    presence: 9,
    additionalInfo: 'Documento emitido por ME ou EPP optante pelo Simples Nacional.',
    technicalResponsible: { ...TECHNICAL_RESPONSIBLE },
  };
}

/** Model 55, CRT 3, recipient in RJ (CFOP 6xxx, idDest 2): CST 00, 20, 40 and 60, PIS/COFINS 01 and 07, card and Pix. */
export function regimeNormalNfe(): NfeInput {
  return {
    model: 55,
    environment: 2,
    series: 3,
    number: 27,
    cnf: '73120458',
    issuedAt: '2026-11-24T16:40:00-03:00',
    operation: 'VENDA',
    issuer: issuer(3),
    recipient: {
      document: '11.222.333/0001-81',
      name: 'Distribuidora Rio Ltda',
      ieIndicator: 1,
      ie: '33444555',
      address: {
        street: 'Rua Primeiro de Março',
        number: 's/n',
        district: 'Centro',
        cityCode: '3304557',
        city: 'Rio de Janeiro',
        uf: 'RJ',
        postalCode: '20010000',
      },
    },
    items: [
      {
        code: 'A1', description: 'Panela de pressão 4,5 L', ncm: '76151000', cfop: '6102', unit: 'UN', quantity: 2, unitPrice: 129.9,
        taxes: { origin: 0, cst: '00', icmsRate: 12, pisCst: '01', pisRate: 1.65, cofinsCst: '01', cofinsRate: 7.6 },
      },
      {
        code: 'A2', description: 'Jogo de talheres 24 peças', ncm: '82159910', cfop: '6102', unit: 'JG', quantity: 1, unitPrice: 89.9, discount: 9.9, freight: 12.35,
        taxes: { origin: 1, cst: '20', icmsRate: 12, icmsBaseReduction: 33.33, pisCst: '01', pisRate: 1.65, cofinsCst: '01', cofinsRate: 7.6 },
      },
      {
        code: 'A3', description: 'Livro de receitas', ncm: '49019900', cfop: '6102', unit: 'UN', quantity: 1, unitPrice: 45,
        taxes: { origin: 0, cst: '40', pisCst: '07', cofinsCst: '07' },
      },
      {
        code: 'A4', description: 'Pilha alcalina AA', ncm: '85061019', cfop: '6405', unit: 'PC', quantity: 4, unitPrice: 7.25,
        taxes: { origin: 0, cst: '60', pisCst: '01', pisRate: 1.65, cofinsCst: '01', cofinsRate: 7.6 },
      },
    ],
    payments: [
      { method: '03', amount: 300 },
      { method: '17', amount: 126.15 },
    ],
    freightMode: 0,
    presence: 2,
    intermediary: { cnpj: '06157250000116', orderId: 'loja-exemplo' },
    technicalResponsible: { ...TECHNICAL_RESPONSIBLE },
  };
}

/** Model 65 (NFC-e), CRT 1, a consumer with CPF, paid in cash with change. */
export function nfce(): NfeInput {
  return {
    model: 65,
    environment: 2,
    series: 1,
    number: 5310,
    cnf: '40917263',
    issuedAt: '2026-11-24T12:03:44-03:00',
    operation: 'VENDA AO CONSUMIDOR',
    issuer: issuer(1),
    recipient: { document: '529.982.247-25', name: 'Maria Consumidora', ieIndicator: 9 },
    items: [
      {
        code: 'CAF-01', gtin: '7891000100103', description: 'Café torrado e moído 500 g', ncm: '09012100', cfop: '5102', unit: 'UN', quantity: 2, unitPrice: 17.49,
        taxes: { origin: 0, csosn: '102', pisCst: '99', cofinsCst: '99' },
      },
      {
        code: 'PAO-02', description: 'Pão francês', ncm: '19059090', cfop: '5102', unit: 'KG', quantity: 0.456, unitPrice: 14.9,
        taxes: { origin: 0, csosn: '500', pisCst: '04', cofinsCst: '04' },
      },
    ],
    payments: [{ method: '01', amount: 50 }],
    freightMode: 9,
    presence: 1,
    technicalResponsible: { ...TECHNICAL_RESPONSIBLE },
  };
}
