/**
 * SEFAZ (NF-e model 55 / NFC-e model 65, layout 4.00): the state tax authorities' SOAP web
 * services, reached with mutual TLS using the seller's ICP-Brasil A1 certificate. No entities:
 * the emit-nf node sends notes built and signed by fiscal/nfe through `fiscal`.
 * See docs/connectors/sefaz.md.
 */
import { defineConnector } from '../types';
import { authorize, classifySoap, consult, inutilize, sefazTls, sendEvent, status, testStatus } from './client';
import { mergeProtocol } from './protocol';

export const sefaz = defineConnector({
  id: 'sefaz',
  name: 'SEFAZ (NF-e / NFC-e)',
  description: 'Authorises NF-e and NFC-e at the SEFAZ of the seller\'s UF (SOAP 4.00, A1 certificate).',
  role: 'other',
  // Each service has its own URL, chosen by UF, model and environment (endpoints.ts); a base
  // URL set on the connection (a simulator, a proxy) replaces only their scheme and host.
  defaultBaseUrl: '',
  credentialSchema: {
    type: 'object',
    required: ['certificate', 'certificatePassword'],
    properties: {
      certificate: {
        type: 'string',
        title: 'Certificado A1 (.pfx)',
        description: 'The company\'s ICP-Brasil e-CNPJ A1 certificate: the .pfx/.p12 file, base64-encoded.',
        secret: true,
      },
      certificatePassword: { type: 'string', title: 'Senha do certificado', secret: true },
      csc: { type: 'string', title: 'CSC (NFC-e)', description: 'Código de Segurança do Contribuinte, for the NFC-e QR code.', secret: true },
      cscId: { type: 'string', title: 'Id do CSC (NFC-e)', description: 'The CSC\'s id (e.g. 000001).' },
      caCertificate: {
        type: 'string',
        title: 'CA do servidor (opcional)',
        description: 'PEM of the CA that signed the server\'s TLS certificate, when Node does not trust it (ICP-Brasil SSL chains, simulators).',
      },
    },
  },
  // SEFAZ publishes no request rate; it blocks a CNPJ that repeats requests (656 consumo indevido).
  rateLimit: { requestsPerSecond: 5, burst: 5 },
  authHeaders: () => ({}),
  http: { classify: classifySoap },
  entities: {},
  tls: sefazTls,
  credentialHelp:
    'Certificado A1: o arquivo .pfx do e-CNPJ da empresa, comprado de uma certificadora ICP-Brasil (Certisign, Serasa, Soluti, Valid…) e exportado em base64, com a senha definida na emissão. ' +
    'CSC e Id do CSC (só NFC-e): gerados no portal da SEFAZ da UF, em "NFC-e > Código de Segurança do Contribuinte" (um para homologação, outro para produção).',
  fiscal: { models: [55, 65], authorize, consult, status, mergeProtocol, inutilize, sendEvent },
  test: testStatus,
});
