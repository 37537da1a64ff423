/**
 * The issuer's data, from the SEFAZ connection's settings (`settings.issuer`), checked once per
 * page with messages that name the setting: without it no invoice can be built.
 */
import { ConfigError } from '../../connectors/http/errors';
import type { Address, Issuer } from '../../fiscal';

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '');

export function issuerOf(settings: Record<string, unknown>): Issuer {
  const raw = settings.issuer as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') throw new ConfigError('The SEFAZ connection has no issuer data: fill in settings.issuer (CNPJ, IE, razão social, CRT, address) on the connection');
  const missing: string[] = [];
  const need = (obj: Record<string, unknown>, field: string, path: string) => {
    const v = text(obj[field]);
    if (!v) missing.push(path);
    return v;
  };
  const a = (raw.address ?? {}) as Record<string, unknown>;
  const address: Address = {
    street: need(a, 'street', 'issuer.address.street'),
    number: need(a, 'number', 'issuer.address.number'),
    complement: text(a.complement) || undefined,
    district: need(a, 'district', 'issuer.address.district'),
    cityCode: need(a, 'cityCode', 'issuer.address.cityCode'),
    city: need(a, 'city', 'issuer.address.city'),
    uf: need(a, 'uf', 'issuer.address.uf').toUpperCase(),
    postalCode: need(a, 'postalCode', 'issuer.address.postalCode').replace(/\D/g, ''),
    phone: text(a.phone) || undefined,
  };
  const issuer: Issuer = {
    cnpj: need(raw, 'cnpj', 'issuer.cnpj').replace(/\D/g, ''),
    ie: need(raw, 'ie', 'issuer.ie').replace(/\D/g, ''),
    name: need(raw, 'name', 'issuer.name'),
    tradeName: text(raw.tradeName) || undefined,
    crt: Number(raw.crt) as Issuer['crt'],
    address,
  };
  if (![1, 2, 3, 4].includes(issuer.crt)) missing.push('issuer.crt (1 Simples Nacional, 2 excesso de sublimite, 3 regime normal, 4 MEI)');
  if (missing.length) throw new ConfigError(`The SEFAZ connection's issuer data is incomplete: ${missing.join(', ')}`);
  return issuer;
}
