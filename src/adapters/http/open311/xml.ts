/**
 * A small XML writer for the GeoReport v2 documents (Open311): flat elements, lists of repeated
 * elements, no attributes, no namespace — what the spec's examples show. Pure.
 *
 * A value maps to XML as follows: a string, number or boolean is the element's text; null or undefined
 * an empty element (`<account_id/>`); an array a list of child elements named by `itemName`; an object
 * child elements in key order. Text is escaped (&, <, >, ", ') and characters XML 1.0 cannot carry
 * (control characters other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF) are dropped, so the
 * document is always well-formed.
 */

/** A value the writer can serialise. */
export type XmlValue = string | number | boolean | null | undefined | XmlList | XmlObject | readonly XmlValue[]
export interface XmlObject {
  readonly [key: string]: XmlValue
}
/** A list: its element name for each entry, and the entries. */
export interface XmlList {
  readonly itemName: string
  readonly items: readonly XmlValue[]
}

// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Escapes text for XML content, dropping characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const NAME = /^[A-Za-z_][\w.-]*$/

/** The element name of one entry of a plural-named list: endpoints → endpoint. */
export function singular(name: string): string {
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.endsWith('s') && name.length > 1 ? name.slice(0, -1) : `${name}_item`
}

function isList(v: XmlValue): v is XmlList {
  return typeof v === 'object' && v !== null && 'itemName' in v && 'items' in v && Array.isArray((v as XmlList).items)
}

function element(name: string, value: XmlValue, indent: string, out: string[]): void {
  if (!NAME.test(name)) throw new Error(`xml: not an element name: ${name}`)
  if (value === null || value === undefined) {
    out.push(`${indent}<${name}/>`)
    return
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const text = typeof value === 'number' && !Number.isFinite(value) ? '' : String(value)
    out.push(`${indent}<${name}>${escapeXml(text)}</${name}>`)
    return
  }
  const children: [string, XmlValue][] = isList(value)
    ? value.items.map((v) => [value.itemName, v])
    : Array.isArray(value)
      ? (value as readonly XmlValue[]).map((v) => [singular(name), v])
      : Object.entries(value as XmlObject)
  if (children.length === 0) {
    out.push(`${indent}<${name}/>`)
    return
  }
  out.push(`${indent}<${name}>`)
  for (const [childName, child] of children) element(childName, child, `${indent}  `, out)
  out.push(`${indent}</${name}>`)
}

/** A whole document: the XML declaration with encoding UTF-8, then the root element. */
export function toXml(rootName: string, value: XmlValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>']
  element(rootName, value, '', out)
  return `${out.join('\n')}\n`
}

/** A list value: `list('request', rows)`. */
export function list(itemName: string, items: readonly XmlValue[]): XmlList {
  return { itemName, items }
}
