/**
 * De-para at run time: the value maps of a stage's connections, held in memory while the stage
 * runs, and the translation behind `$depara(name, value)`. Pure: the store loads the rows.
 */
import { ValueMapMissing } from '../../connectors/http/errors';
import { VALUE_MAP_MESSAGES } from './messages';

export interface LoadedValueMap {
  name: string;
  defaultValue: string | null;
  entries: Map<string, string>;
}

export interface LoadedConnection {
  id: string;
  name: string;
  maps: Map<string, LoadedValueMap>;
}

/**
 * The maps an expression may call, in the order they are searched: the stage's target connection
 * first (its codes are what the write needs), then the flow's source connection. The first
 * connection with a map of that name owns the translation; entries are never merged across
 * connections, so a missing entry says exactly which map to fix.
 */
export class ValueMaps {
  constructor(private readonly connections: LoadedConnection[]) {}

  static none(): ValueMaps {
    return new ValueMaps([]);
  }

  /**
   * The target value of `value` in the map `name`. Nothing to translate (null, missing or blank)
   * gives undefined, so the field is left out. Values are compared as trimmed text, case-sensitive:
   * "SEDEX" and "Sedex" may be different services to a provider, so only an entry says they match.
   */
  translate(name: string, value: unknown): string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'object') throw new TypeError(`$depara("${name}", …) translates text or numbers; it got ${JSON.stringify(value).slice(0, 80)}`);
    const source = String(value).trim();
    if (source === '') return undefined;
    const owner = this.connections.find((c) => c.maps.has(name));
    if (!owner) {
      const [first, ...others] = this.connections.map((c) => c.name);
      const said = VALUE_MAP_MESSAGES.of('mapMissing', { map: name, value: source, connection: first ?? null, otherConnection: others.length ? others.join(' or ') : null });
      throw new ValueMapMissing(said, {
        facts: { map: name, value: source, connectionId: this.connections[0]?.id ?? null, mapExists: false },
      });
    }
    const map = owner.maps.get(name)!;
    const target = map.entries.get(source);
    if (target !== undefined) return target;
    if (map.defaultValue !== null) return map.defaultValue;
    throw new ValueMapMissing(VALUE_MAP_MESSAGES.of('noEntry', { map: name, connection: owner.name, value: source }), {
      facts: { map: name, value: source, connectionId: owner.id, mapExists: true },
    });
  }
}
