/**
 * What reading a plan produces (the plan reader's result). Shared by the cleaner, the structure
 * parser, the item extractor, the CLI formats and plan import.
 */

/** A due date as written: unknown parts are null (`20xx年8月底前` → {year:null, month:8, day:null}). */
export interface Deadline {
  readonly year: number | null
  readonly month: number | null
  readonly day: number | null
  /** The words it came from, e.g. `20xx年8月底前`. */
  readonly text: string
}

/** 指标 / 目标值: a measurable goal. `接种率达到95%以上` → {metric:'接种率', comparison:'>=', value:95, unit:'%'}. */
export interface Target {
  readonly metric: string
  readonly comparison: '>=' | '>' | '<=' | '<' | '=' | 'range'
  readonly value: number
  readonly valueTo?: number
  /** Magnitude kept as written: `2.5万人` → value 2.5, unit `万人` (see items/targets.ts). */
  readonly unit: string
  /** Set when the value is an amount of change (`下降15%`, `新增…个`), not a level to reach. */
  readonly change?: 'increase' | 'decrease'
  readonly text: string
}

/** Roles a unit can hold on an item (牵头 / 责任 / 配合). */
export type UnitRole = 'lead' | 'responsible' | 'cooperating'

/** An outline item of a document with what was read from it. */
export interface ExtractedItem {
  /** 1-based line of the item's marker (or first text line) in the source file. */
  readonly line: number
  /** The marker as written, normalised (`(一)` not `（一）`); '' for an unnumbered paragraph. */
  readonly marker: string
  /** Markers of the item and its ancestors, outermost first. */
  readonly path: readonly string[]
  /** Heading (text up to the first 。 or the whole short line) and full text, cleaned. */
  readonly title: string
  readonly text: string
  readonly lead: readonly string[]
  readonly responsible: readonly string[]
  readonly cooperating: readonly string[]
  readonly deadlines: readonly Deadline[]
  readonly targets: readonly Target[]
  /** True when the item carries a unit tag or an explicit due date (a gold "assigned item"). */
  readonly assigned: boolean
  /** Set for a row of a task table (任务分解表). */
  readonly table?: TableItem
}

/** Where a table item came from: the table (sheet name, `表1`, or `text`), its rows and the cell of each field. */
export interface ItemSource {
  readonly table: string
  /** Spreadsheet/Word row numbers (1-based), or the text lines for a table flattened into text. */
  readonly rows: readonly number[]
  /** Field (number, task, measures, lead, responsible, cooperating, due, people, notes, or a header) → cell reference. */
  readonly cells: Readonly<Record<string, string>>
}

/** A further row of a task spread over several rows (one task, several measures). */
export interface SubItem {
  readonly line: number
  readonly text: string
  readonly source: ItemSource
}

/** What a table row adds to an item. */
export interface TableItem {
  /** The 序号 cell as written. */
  readonly number: string
  /** Names from a people column (分管领导, 责任人 …): never units. */
  readonly people: readonly string[]
  readonly notes: string
  /** Columns the reader does not know, by header. */
  readonly fields: Readonly<Record<string, string>>
  readonly source: ItemSource
  readonly subItems: readonly SubItem[]
}

/** One document of a (possibly compiled) file. */
export interface ExtractedDocument {
  readonly title: string
  readonly issuer: string | null
  readonly date: string | null
  readonly docNumber: string | null
  /** Year the document is about (resolves relative dates), null when written `20xx` or absent. */
  readonly year: number | null
  readonly firstLine: number
  readonly lastLine: number
  readonly items: readonly ExtractedItem[]
  /** Notes on what the reader could not place (a table column it does not know). */
  readonly warnings?: readonly string[]
}

/** What cleaning did and what it could not repair. */
export interface CleaningReport {
  readonly pinyinRemoved: number
  readonly pageNumbersRemoved: number
  readonly furnitureLinesRemoved: number
  readonly mojibakeRepaired: number
  /** Spans of mojibake that could not be recovered, with their source lines. */
  readonly unrepaired: readonly { readonly line: number; readonly text: string }[]
  readonly traditionalConverted: boolean
}

/** The whole result for one input file. */
export interface ExtractionResult {
  readonly file: string
  readonly encoding: string
  readonly documents: readonly ExtractedDocument[]
  readonly cleaning: CleaningReport
}
