/**
 * Where each SEFAZ web service lives, as data. Taken from nfephp-org/sped-nfe at commit
 * 3b44ec9f1cf2e6fd2a7f7e8877f9ebd5890b71ed (2026-06-23): storage/wsnfe_4.00_mod55.xml,
 * storage/wsnfe_4.00_mod65.xml (URLs), storage/autorizadores.json (UF → authoriser) and
 * src/Factories/Contingency.php (UF → SVC). The Portal NF-e publishes the same list
 * ("Relação de Serviços Web"); states move hosts now and then, so refresh from there.
 * Authorisers keep the portal's names: SVC-AN / SVC-RS are sped-nfe's SVCAN / SVCRS.
 */
import { UF_CODES } from '../../fiscal/nfe/access-key';
import type { Environment, Model } from '../../fiscal/types';

export const SEFAZ_SERVICES = [
  'NFeAutorizacao4',
  'NFeRetAutorizacao4',
  'NFeConsultaProtocolo4',
  'NFeStatusServico4',
  'NFeInutilizacao4',
  'NFeRecepcaoEvento4',
] as const;
export type SefazService = (typeof SEFAZ_SERVICES)[number];

/** The WSDL operation of each service: the last part of the SOAP action. */
export const SERVICE_METHODS: Record<SefazService, string> = {
  NFeAutorizacao4: 'nfeAutorizacaoLote',
  NFeRetAutorizacao4: 'nfeRetAutorizacaoLote',
  NFeConsultaProtocolo4: 'nfeConsultaNF',
  NFeStatusServico4: 'nfeStatusServicoNF',
  NFeInutilizacao4: 'nfeInutilizacaoNF',
  NFeRecepcaoEvento4: 'nfeRecepcaoEvento',
};

export type Authoriser = 'AM' | 'BA' | 'GO' | 'MG' | 'MS' | 'MT' | 'PE' | 'PR' | 'RS' | 'SP' | 'SVAN' | 'SVRS' | 'SVC-AN' | 'SVC-RS';
type ServiceUrls = Record<SefazService, string>;

/** Model → authoriser → environment (1 produção, 2 homologação) → service → URL. */
export const ENDPOINTS: Record<Model, Partial<Record<Authoriser, Record<Environment, ServiceUrls>>>> = {
  55: {
    AM: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.am.gov.br/services2/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.am.gov.br/services2/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.am.gov.br/services2/services/NfeConsulta4',
        NFeStatusServico4: 'https://nfe.sefaz.am.gov.br/services2/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.am.gov.br/services2/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.am.gov.br/services2/services/RecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homnfe.sefaz.am.gov.br/services2/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://homnfe.sefaz.am.gov.br/services2/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homnfe.sefaz.am.gov.br/services2/services/NfeConsulta4',
        NFeStatusServico4: 'https://homnfe.sefaz.am.gov.br/services2/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://homnfe.sefaz.am.gov.br/services2/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homnfe.sefaz.am.gov.br/services2/services/RecepcaoEvento4',
      },
    },
    BA: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.ba.gov.br/webservices/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://hnfe.sefaz.ba.gov.br/webservices/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
    },
    GO: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeRecepcaoEvento4',
      },
    },
    MG: {
      1: {
        NFeAutorizacao4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.fazenda.mg.gov.br/nfe2/services/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://hnfe.fazenda.mg.gov.br/nfe2/services/NFeRecepcaoEvento4',
      },
    },
    MS: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.ms.gov.br/ws/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.ms.gov.br/ws/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.ms.gov.br/ws/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.sefaz.ms.gov.br/ws/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.ms.gov.br/ws/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.ms.gov.br/ws/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeStatusServico4',
        NFeInutilizacao4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://hom.nfe.sefaz.ms.gov.br/ws/NFeRecepcaoEvento4',
      },
    },
    MT: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/NfeConsulta4',
        NFeStatusServico4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.mt.gov.br/nfews/v2/services/RecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/NfeConsulta4',
        NFeStatusServico4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homologacao.sefaz.mt.gov.br/nfews/v2/services/RecepcaoEvento4',
      },
    },
    PE: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.pe.gov.br/nfe-service/services/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfehomolog.sefaz.pe.gov.br/nfe-service/services/NFeRecepcaoEvento4',
      },
    },
    PR: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefa.pr.gov.br/nfe/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefa.pr.gov.br/nfe/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefa.pr.gov.br/nfe/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.sefa.pr.gov.br/nfe/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefa.pr.gov.br/nfe/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefa.pr.gov.br/nfe/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeStatusServico4',
        NFeInutilizacao4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homologacao.nfe.sefa.pr.gov.br/nfe/NFeRecepcaoEvento4',
      },
    },
    RS: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefazrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe.sefazrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe.sefazrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe.sefazrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe.sefazrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe.sefazrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe-homologacao.sefazrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
    },
    SP: {
      1: {
        NFeAutorizacao4: 'https://nfe.fazenda.sp.gov.br/ws/nfeautorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe.fazenda.sp.gov.br/ws/nferetautorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe.fazenda.sp.gov.br/ws/nfeconsultaprotocolo4.asmx',
        NFeStatusServico4: 'https://nfe.fazenda.sp.gov.br/ws/nfestatusservico4.asmx',
        NFeInutilizacao4: 'https://nfe.fazenda.sp.gov.br/ws/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe.fazenda.sp.gov.br/ws/nferecepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeautorizacao4.asmx',
        NFeRetAutorizacao4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nferetautorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeconsultaprotocolo4.asmx',
        NFeStatusServico4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nfestatusservico4.asmx',
        NFeInutilizacao4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://homologacao.nfe.fazenda.sp.gov.br/ws/nferecepcaoevento4.asmx',
      },
    },
    SVAN: {
      1: {
        NFeAutorizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://www.sefazvirtual.fazenda.gov.br/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://www.sefazvirtual.fazenda.gov.br/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://www.sefazvirtual.fazenda.gov.br/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
    },
    SVRS: {
      1: {
        NFeAutorizacao4: 'https://nfe.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
    },
    'SVC-AN': {
      1: {
        NFeAutorizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://www.sefazvirtual.fazenda.gov.br/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://www.sefazvirtual.fazenda.gov.br/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://www.sefazvirtual.fazenda.gov.br/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://www.sefazvirtual.fazenda.gov.br/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeAutorizacao4/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeRetAutorizacao4/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeConsultaProtocolo4/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeStatusServico4/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeInutilizacao4/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://hom.sefazvirtual.fazenda.gov.br/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      },
    },
    'SVC-RS': {
      1: {
        NFeAutorizacao4: 'https://nfe.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfe-homologacao.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
    },
  },
  65: {
    AM: {
      1: {
        NFeAutorizacao4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/NfeConsulta4',
        NFeStatusServico4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfce.sefaz.am.gov.br/nfce-services/services/RecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/NfeConsulta4',
        NFeStatusServico4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homnfce.sefaz.am.gov.br/nfce-services/services/RecepcaoEvento4',
      },
    },
    GO: {
      1: {
        NFeAutorizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfe.sefaz.go.gov.br/nfe/services/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homolog.sefaz.go.gov.br/nfe/services/NFeRecepcaoEvento4',
      },
    },
    MG: {
      1: {
        NFeAutorizacao4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfce.fazenda.mg.gov.br/nfce/services/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeStatusServico4',
        NFeInutilizacao4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://hnfce.fazenda.mg.gov.br/nfce/services/NFeRecepcaoEvento4',
      },
    },
    MT: {
      1: {
        NFeAutorizacao4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/NfeConsulta4',
        NFeStatusServico4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfce.sefaz.mt.gov.br/nfcews/services/RecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/NfeAutorizacao4',
        NFeRetAutorizacao4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/NfeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/NfeConsulta4',
        NFeStatusServico4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/NfeStatusServico4',
        NFeInutilizacao4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/NfeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homologacao.sefaz.mt.gov.br/nfcews/services/RecepcaoEvento4',
      },
    },
    MS: {
      1: {
        NFeAutorizacao4: 'https://nfce.sefaz.ms.gov.br/ws/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfce.sefaz.ms.gov.br/ws/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfce.sefaz.ms.gov.br/ws/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfce.sefaz.ms.gov.br/ws/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfce.sefaz.ms.gov.br/ws/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfce.sefaz.ms.gov.br/ws/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeStatusServico4',
        NFeInutilizacao4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://hom.nfce.sefaz.ms.gov.br/ws/NFeRecepcaoEvento4',
      },
    },
    PR: {
      1: {
        NFeAutorizacao4: 'https://nfce.sefa.pr.gov.br/nfce/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://nfce.sefa.pr.gov.br/nfce/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://nfce.sefa.pr.gov.br/nfce/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://nfce.sefa.pr.gov.br/nfce/NFeStatusServico4',
        NFeInutilizacao4: 'https://nfce.sefa.pr.gov.br/nfce/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://nfce.sefa.pr.gov.br/nfce/NFeRecepcaoEvento4',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeAutorizacao4',
        NFeRetAutorizacao4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeRetAutorizacao4',
        NFeConsultaProtocolo4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeConsultaProtocolo4',
        NFeStatusServico4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeStatusServico4',
        NFeInutilizacao4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeInutilizacao4',
        NFeRecepcaoEvento4: 'https://homologacao.nfce.sefa.pr.gov.br/nfce/NFeRecepcaoEvento4',
      },
    },
    RS: {
      1: {
        NFeAutorizacao4: 'https://nfce.sefazrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfce.sefazrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfce.sefazrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfce.sefazrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfce.sefazrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfce.sefazrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfce-homologacao.sefazrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
    },
    SP: {
      1: {
        NFeAutorizacao4: 'https://nfce.fazenda.sp.gov.br/ws/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfce.fazenda.sp.gov.br/ws/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfce.fazenda.sp.gov.br/ws/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://nfce.fazenda.sp.gov.br/ws/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfce.fazenda.sp.gov.br/ws/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfce.fazenda.sp.gov.br/ws/NFeRecepcaoEvento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeConsultaProtocolo4.asmx',
        NFeStatusServico4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeStatusServico4.asmx',
        NFeInutilizacao4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeInutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://homologacao.nfce.fazenda.sp.gov.br/ws/NFeRecepcaoEvento4.asmx',
      },
    },
    SVRS: {
      1: {
        NFeAutorizacao4: 'https://nfce.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfce.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfce.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfce.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfce.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfce.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
      2: {
        NFeAutorizacao4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
        NFeRetAutorizacao4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/NfeRetAutorizacao/NFeRetAutorizacao4.asmx',
        NFeConsultaProtocolo4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/NfeConsulta/NfeConsulta4.asmx',
        NFeStatusServico4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
        NFeInutilizacao4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/nfeinutilizacao/nfeinutilizacao4.asmx',
        NFeRecepcaoEvento4: 'https://nfce-homologacao.svrs.rs.gov.br/ws/recepcaoevento/recepcaoevento4.asmx',
      },
    },
  },
};

export const UFS = ['AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO'] as const;
export type Uf = (typeof UFS)[number];

/** Who authorises a UF's documents: states with their own SEFAZ, the rest on a virtual one (per model: BA has its own NF-e but NFC-e goes to SVRS). */
export const UF_AUTHORISERS: Record<Model, Record<Uf, Authoriser>> = {
  55: {
    AC: 'SVRS', AL: 'SVRS', AM: 'AM', AP: 'SVRS', BA: 'BA', CE: 'SVRS', DF: 'SVRS', ES: 'SVRS', GO: 'GO',
    MA: 'SVAN', MG: 'MG', MS: 'MS', MT: 'MT', PA: 'SVRS', PB: 'SVRS', PE: 'PE', PI: 'SVRS', PR: 'PR',
    RJ: 'SVRS', RN: 'SVRS', RO: 'SVRS', RR: 'SVRS', RS: 'RS', SC: 'SVRS', SE: 'SVRS', SP: 'SP', TO: 'SVRS',
  },
  65: {
    AC: 'SVRS', AL: 'SVRS', AM: 'AM', AP: 'SVRS', BA: 'SVRS', CE: 'SVRS', DF: 'SVRS', ES: 'SVRS', GO: 'GO',
    MA: 'SVRS', MG: 'MG', MS: 'MS', MT: 'MT', PA: 'SVRS', PB: 'SVRS', PE: 'SVRS', PI: 'SVRS', PR: 'PR',
    RJ: 'SVRS', RN: 'SVRS', RO: 'SVRS', RR: 'SVRS', RS: 'RS', SC: 'SVRS', SE: 'SVRS', SP: 'SP', TO: 'SVRS',
  },
};

/** The NF-e contingency authoriser of each UF (tpEmis 6 SVC-AN, 7 SVC-RS). NFC-e has none: it goes offline (tpEmis 9). */
export const CONTINGENCY_AUTHORISERS: Record<Uf, 'SVC-AN' | 'SVC-RS'> = {
  AC: 'SVC-AN', AL: 'SVC-AN', AM: 'SVC-RS', AP: 'SVC-AN', BA: 'SVC-RS', CE: 'SVC-AN', DF: 'SVC-AN', ES: 'SVC-AN', GO: 'SVC-RS',
  MA: 'SVC-RS', MG: 'SVC-AN', MS: 'SVC-RS', MT: 'SVC-RS', PA: 'SVC-AN', PB: 'SVC-AN', PE: 'SVC-RS', PI: 'SVC-AN', PR: 'SVC-RS',
  RJ: 'SVC-AN', RN: 'SVC-AN', RO: 'SVC-AN', RR: 'SVC-AN', RS: 'SVC-AN', SC: 'SVC-AN', SE: 'SVC-AN', SP: 'SVC-AN', TO: 'SVC-AN',
};

export function isUf(value: unknown): value is Uf {
  return typeof value === 'string' && (UFS as readonly string[]).includes(value);
}

/** The IBGE code of a UF (`cUF`: the NF-e's, the access key's first two digits, consStatServ's). */
export function ufCodeOf(uf: Uf): number {
  return Number(UF_CODES[uf]);
}

/** The UF of an IBGE code (an access key's first two digits). */
export function ufOfCode(code: number | string): Uf | undefined {
  return UFS.find((uf) => Number(UF_CODES[uf]) === Number(code));
}

/** The authoriser for a UF and model; `contingency` picks the UF's SVC (NF-e only). */
export function authoriserFor(uf: Uf, model: Model, contingency = false): Authoriser {
  return contingency ? CONTINGENCY_AUTHORISERS[uf] : UF_AUTHORISERS[model][uf];
}

export interface EndpointQuery {
  uf: Uf;
  model: Model;
  environment: Environment;
  service: SefazService;
  /** Overrides the UF's authoriser (e.g. SVC-AN / SVC-RS during contingency). */
  authoriser?: Authoriser;
  /** A connection's base URL: replaces scheme, host and port (and prefixes the path), keeping the service's path. */
  baseUrl?: string;
}

/** The URL of one service; undefined when that authoriser does not offer it for the model (SVC for NFC-e). */
export function serviceUrl(query: EndpointQuery): string | undefined {
  const authoriser = query.authoriser ?? authoriserFor(query.uf, query.model);
  const url = ENDPOINTS[query.model][authoriser]?.[query.environment]?.[query.service];
  if (!url || !query.baseUrl?.trim()) return url;
  const base = new URL(query.baseUrl.trim());
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${new URL(url).pathname}`;
}

/** Every path some authoriser serves each service at: what a simulator answers on. */
export function servicePaths(): Map<string, SefazService> {
  const paths = new Map<string, SefazService>();
  for (const byAuthoriser of Object.values(ENDPOINTS))
    for (const byEnvironment of Object.values(byAuthoriser))
      for (const urls of Object.values(byEnvironment))
        for (const service of SEFAZ_SERVICES) paths.set(new URL(urls[service]).pathname, service);
  return paths;
}
