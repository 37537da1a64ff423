/**
 * Validation against the official layout 4.00 schemas (package PL_009, shipped in
 * fiscal/schemas/PL_009_V4 — see its README) with libxml2 compiled to WebAssembly (xmllint-wasm):
 * the same validator PHP's DOMDocument::schemaValidate uses in sped-nfe, so the layout's regular
 * expressions behave as they do for everyone else. Validating locally first turns SEFAZ's
 * 215/225 ("Falha no schema XML") into a list of fields to fix.
 *
 * libxml2 reports a line number and an element's local name. An NF-e is one line, so before
 * validating each start tag is put on a line of its own (whitespace between elements is
 * insignificant to the schema) and the line is mapped back to the element's path, e.g.
 * `NFe/infNFe/det[2]/prod/CFOP`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

export interface SchemaProblem {
  /** Where: the element's path (`NFe/infNFe/det[2]/prod/CFOP`), or `document` for a problem of the whole (not well-formed). */
  path: string;
  /** libxml2's reason in plain words, e.g. "the value '510' does not match the pattern [1,2,3,5,6,7]{1}[0-9]{3}". */
  message: string;
}

/**
 * The documents a schema of the package validates, by root element; events by schema, since every
 * event type shares the root `envEvento` / `retEnvEvento` / `procEventoNFe` with a layout of its own.
 */
const ROOT_SCHEMAS = {
  nfe: 'nfe_v4.00.xsd',
  enviNFe: 'enviNFe_v4.00.xsd',
  retEnviNFe: 'retEnviNFe_v4.00.xsd',
  nfeProc: 'procNFe_v4.00.xsd',
  consReciNFe: 'consReciNFe_v4.00.xsd',
  retConsReciNFe: 'retConsReciNFe_v4.00.xsd',
  consSitNFe: 'consSitNFe_v4.00.xsd',
  retConsSitNFe: 'retConsSitNFe_v4.00.xsd',
  consStatServ: 'consStatServ_v4.00.xsd',
  retConsStatServ: 'retConsStatServ_v4.00.xsd',
  inutNFe: 'inutNFe_v4.00.xsd',
  retInutNFe: 'retInutNFe_v4.00.xsd',
  procInutNFe: 'procInutNFe_v4.00.xsd',
  envEventoCancNFe: 'envEventoCancNFe_v1.00.xsd',
  retEnvEventoCancNFe: 'retEnvEventoCancNFe_v1.00.xsd',
  procEventoCancNFe: 'procEventoCancNFe_v1.00.xsd',
} as const;

export type SchemaRoot = keyof typeof ROOT_SCHEMAS;

export const SCHEMA_PACKAGE = 'PL_009_V4';
const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas', SCHEMA_PACKAGE);

let schemaFiles: Map<string, string> | undefined;

/** Every XSD of the package, read once per process (about 400 kB). */
function schemas(): Map<string, string> {
  if (!schemaFiles) {
    schemaFiles = new Map();
    for (const name of readdirSync(SCHEMA_DIR)) {
      if (name.endsWith('.xsd')) schemaFiles.set(name, readFileSync(join(SCHEMA_DIR, name), 'utf8'));
    }
  }
  return schemaFiles;
}

interface ElementNode {
  name: string;
  parent: number;
  ordinal: number;
}

/**
 * The document with each start tag on its own line, and for each line the element it opens.
 * Only whitespace between markup is added: text, CDATA, comments and attribute values are copied
 * as they are, so the validation result is the original document's.
 */
function spreadElements(xml: string): { text: string; lineElement: number[]; nodes: ElementNode[]; siblings: Map<string, number> } {
  const nodes: ElementNode[] = [];
  const siblings = new Map<string, number>();
  const lineElement: number[] = [-1];
  const stack: number[] = [];
  let out = '';
  let at = 0;
  const skipTo = (end: string, from: number) => {
    const found = xml.indexOf(end, from);
    return found === -1 ? xml.length : found + end.length;
  };
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    if (lt === -1) {
      out += xml.slice(at);
      break;
    }
    out += xml.slice(at, lt);
    let end: number;
    if (xml.startsWith('<!--', lt)) end = skipTo('-->', lt);
    else if (xml.startsWith('<![CDATA[', lt)) end = skipTo(']]>', lt);
    else if (xml.startsWith('<?', lt)) end = skipTo('?>', lt);
    else if (xml.startsWith('<!', lt)) end = skipTo('>', lt);
    else if (xml.startsWith('</', lt)) {
      end = skipTo('>', lt);
      stack.pop();
    } else {
      // A start tag: find its '>' outside quoted attribute values.
      let quote = '';
      end = lt + 1;
      while (end < xml.length) {
        const c = xml[end];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
        end++;
      }
      end++;
      const tag = xml.slice(lt, end);
      const qualified = /^<([^\s/>]+)/.exec(tag)?.[1] ?? '?';
      const name = qualified.includes(':') ? qualified.slice(qualified.indexOf(':') + 1) : qualified;
      const parent = stack.at(-1) ?? -1;
      const key = `${parent}/${name}`;
      const ordinal = (siblings.get(key) ?? 0) + 1;
      siblings.set(key, ordinal);
      nodes.push({ name, parent, ordinal });
      if (out.length > 0) out += '\n';
      // Lines are counted from the output so far: a text node may itself hold newlines.
      const line = out.split('\n').length;
      lineElement[line] = nodes.length - 1;
      if (!tag.endsWith('/>')) stack.push(nodes.length - 1);
    }
    out += xml.slice(lt, end);
    at = end;
  }
  return { text: out, lineElement, nodes, siblings };
}

function pathOf(index: number, nodes: ElementNode[], siblings: Map<string, number>): string {
  const parts: string[] = [];
  for (let i = index; i !== -1; i = nodes[i].parent) {
    const node = nodes[i];
    // The position only when the element repeats under its parent: det[2], detPag[1], but prod.
    const repeated = (siblings.get(`${node.parent}/${node.name}`) ?? 1) > 1;
    parts.unshift(repeated ? `${node.name}[${node.ordinal}]` : node.name);
  }
  return parts.join('/');
}

const NAMESPACES = /\{(http:\/\/www\.portalfiscal\.inf\.br\/nfe|http:\/\/www\.w3\.org\/2000\/09\/xmldsig#)\}/g;

/** libxml2's wording, made readable: no namespace URIs, no repeated element name, facets spelled out. */
function plainMessage(raw: string): string {
  const text = raw
    .replace(NAMESPACES, '')
    .replace(/^(element \S+: )?Schemas validity error : /, '')
    .replace(/^Element '[^']+'(, attribute '([^']+)')?: /, (_m, _a, attribute) => (attribute ? `attribute ${attribute}: ` : ''))
    .trim();
  let m: RegExpExecArray | null;
  if ((m = /\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'\.$/.exec(text))) {
    return m[1] === '' ? `the value is empty; the layout wants the pattern ${m[2]}` : `the value '${m[1]}' does not match the pattern ${m[2]}`;
  }
  if ((m = /\[facet 'enumeration'\] The value '(.*)' is not an element of the set \{(.*)\}\.$/.exec(text))) {
    return `the value '${m[1]}' is not one of ${m[2].replace(/'/g, '')}`;
  }
  if ((m = /\[facet '(max|min)Length'\] The value has a length of '(\d+)'; this (?:exceeds|underruns) the allowed (?:maximum|minimum) length of '(\d+)'\.$/.exec(text))) {
    return `the value has ${m[2]} characters; ${m[1] === 'max' ? 'at most' : 'at least'} ${m[3]} allowed`;
  }
  if ((m = /^This element is not expected\. Expected is (?:one of )?\( (.*) \)\.$/.exec(text))) {
    return `this element is not expected here; expected: ${m[1]}`;
  }
  if (/^This element is not expected\.$/.test(text)) return 'this element is not expected here (nothing more may follow at this point)';
  if ((m = /^Missing child element\(s\)\. Expected is (?:one of )?\( (.*) \)\.$/.exec(text))) {
    return `a required element is missing: ${m[1]}`;
  }
  if (/No matching global declaration available for the validation root/.test(text)) {
    return 'the root element is not the one this schema validates';
  }
  // A parser error's own "line N" counts the spread-out copy, not the caller's document.
  return text.replace(/ line \d+$/, '').replace(/\.$/, '');
}

export interface ValidateOptions {
  /**
   * The document (NFe, inutNFe or event) is not signed yet: ignore the missing Signature (the schema requires one) and
   * check everything else, so a bad field is caught before the certificate is even loaded.
   */
  unsigned?: boolean;
}

/**
 * Validates `xml` against the layout 4.00 schema of `root` (NFe by default; `enviNFe` for a lote,
 * `nfeProc` for the authorised document, and the web services' messages). Returns the problems,
 * none when the document is valid.
 */
export async function validateNfe(xml: string, root: SchemaRoot = 'nfe', options: ValidateOptions = {}): Promise<SchemaProblem[]> {
  const mainSchema = ROOT_SCHEMAS[root];
  if (!mainSchema) throw new Error(`validateNfe: unknown root "${root}" (one of ${Object.keys(ROOT_SCHEMAS).join(', ')})`);
  const files = schemas();
  const { text, lineElement, nodes, siblings } = spreadElements(xml);
  const preload: XMLFileInfo[] = [...files].filter(([name]) => name !== mainSchema).map(([fileName, contents]) => ({ fileName, contents }));
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: text }],
    schema: [{ fileName: mainSchema, contents: files.get(mainSchema) as string }],
    preload,
  });
  if (result.valid) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of result.errors) {
    // Lines without a location are libxml2 quoting the offending source line and a caret.
    if (!error.loc || error.loc.fileName !== 'document.xml') continue;
    // libxml2 follows each facet failure with "'x' is not a valid value of the … atomic type": the
    // facet line already says why.
    if (/is not a valid value of the (local )?atomic type/.test(error.message)) continue;
    if (/fails to validate$/.test(error.message.trim())) continue;
    const line = error.loc?.lineNumber;
    const element = line === undefined ? undefined : lineElement[line];
    // Line numbers count the spread-out copy: without an element there is nothing to show the caller.
    const path = element === undefined || element < 0 ? 'document' : pathOf(element, nodes, siblings);
    const message = plainMessage(error.message);
    if (options.unsigned && /^a required element is missing: .*\bSignature\b/.test(message) && /(^|\/)(NFe|evento|inutNFe)(\[\d+\])?$/.test(path)) continue;
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  if (problems.length === 0 && !options.unsigned) {
    problems.push({ path: 'document', message: plainMessage(result.rawOutput.trim().split('\n')[0] || 'the document is not valid') });
  }
  return problems;
}
