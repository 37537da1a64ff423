/** What the NF-e tests share: a test issuer in Simples Nacional, its SEFAZ connection, and an invoicing flow. */
import type { SefazSimulator } from '../../connectors/sefaz/simulator';

export const ISSUER_CNPJ = '11222333000181';
export const A1_PASSWORD = 'senha-do-a1';

export const TEST_ISSUER = {
  cnpj: ISSUER_CNPJ,
  ie: '123456789012',
  name: 'LOJA EXEMPLO LTDA',
  crt: 1,
  address: { street: 'Rua Augusta', number: '100', district: 'Consolacao', cityCode: '3550308', city: 'Sao Paulo', uf: 'SP', postalCode: '01305000' },
};

/** POST /api/connections body for the simulator's SEFAZ-SP in homologação, with an A1 the simulator trusts. */
export function sefazConnection(sefaz: SefazSimulator, name: string, options: { certificate?: string; password?: string; notAfter?: Date } = {}) {
  const certificate = options.certificate ?? sefaz.issueCertificate({ cnpj: ISSUER_CNPJ, name: TEST_ISSUER.name, password: A1_PASSWORD, notAfter: options.notAfter });
  return {
    name,
    provider: 'sefaz',
    baseUrl: sefaz.url,
    credentials: { certificate, certificatePassword: options.password ?? A1_PASSWORD, caCertificate: sefaz.caCertificate },
    settings: { uf: 'SP', environment: 2, issuer: TEST_ISSUER, rateLimit: { requestsPerSecond: 0 } },
  };
}

/** Bling orders → emit-nf (model 55, series 1), a consumer in São Paulo as the recipient. */
export function invoiceFlow(blingId: string, sefazId: string, extraParams: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
      { id: 'orders', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'orders' } },
      {
        id: 'nfe',
        type: 'emit-nf',
        typeVersion: 1,
        params: {
          connectionId: sefazId,
          model: 55,
          series: 1,
          items: 'itens.{"code": codigo, "description": descricao, "ncm": "61091000", "unit": unidade, "quantity": quantidade, "unitPrice": valor}',
          recipient:
            '{"document": "52998224725", "name": "Maria da Silva", "ieIndicator": 9, "address": {"street": "Rua das Flores", "number": "10", "district": "Centro", "cityCode": "3550308", "city": "Sao Paulo", "uf": "SP", "postalCode": "01001000"}}',
          taxes: { csosn: '102', pisCst: '49', cofinsCst: '49' },
          ...extraParams,
        },
      },
    ],
    edges: [
      { from: 'start', fromPort: 'out', to: 'orders' },
      { from: 'orders', fromPort: 'out', to: 'nfe' },
    ],
  };
}
