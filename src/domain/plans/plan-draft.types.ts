/**
 * The draft ledger (台账草稿) an import proposes and a person reviews before confirming: stored in
 * `plan.draft` (jsonb). Everything here is plain JSON.
 */
import type { TableItem, Target, UnitRole } from '../text/extraction.types.ts'
import type { ReportingCadence } from '../workflow/kind.types.ts'

/** A unit named in the text and, when known, the unit it resolves to (单位匹配). */
export interface DraftUnit {
  /** The words as extracted, e.g. `市市场监管局`. */
  readonly raw: string
  /** The unit id, or null while nobody has mapped it. */
  readonly unitId: string | null
  /** Likely units when unresolved, best first, for the reviewer to pick from. */
  readonly candidates?: readonly { readonly unitId: string; readonly name: string; readonly confidence?: number }[]
  /** How sure the match is (0–1), shown to the reviewer; 1 for a person's choice. */
  readonly confidence?: number
  /** How it was found: exact, mapping, normalised, function, collective, similar, none, person. */
  readonly method?: string
  /**
   * For a collective name (各街道, 管委会各部门) matched inside the jurisdiction: the units it stands for, while
   * unitId is the jurisdiction itself (which owns the task unless the clerk expands it, see `expand`).
   */
  readonly members?: readonly string[]
  /** Why it is unresolved or how it was resolved, for the reviewer. */
  readonly note?: string
  /**
   * Set when the clerk chose to expand a collective name (各街道, 市直各部门 …) into the units under a place: on
   * confirm each gets its own copy of the task, linked to it (分解落实). unitId is null then.
   */
  readonly expand?: {
    readonly under: { readonly unitId: string; readonly name: string } | null
    readonly units: readonly { readonly unitId: string; readonly name: string }[]
  }
}

/** Why a proposed value needs a second look. */
export type DraftFlag =
  | 'year-assumed' // 20xx or no year: the import year was used
  | 'several-deadlines' // the latest of several dates was taken
  | 'no-due' // nothing read as a date
  | 'due-shifted' // the written date is not a working day; the previous working day was taken
  | 'cadence-from-document' // the cadence came from the document, not the item
  | 'cadence-day-assumed' // 每月上报 without a day

/** One document of the uploaded file (a compilation holds several, 汇编). */
export interface DraftDocument {
  /** 0-based position in the file. */
  readonly index: number
  readonly title: string
  readonly issuer: string | null
  readonly docNumber: string | null
  /** The year read from the document; null when written 20xx or absent. */
  readonly year: number | null
  readonly firstLine: number
  readonly lastLine: number
  /** Chosen for the ledger (all by default). */
  readonly chosen: boolean
  readonly itemCount: number
  /** The place the document speaks for (辖区), read from its issuer and title; units resolve only inside it. */
  readonly jurisdiction?: { readonly unitId: string | null; readonly name: string } | null
}

/** One proposed task (拟立项任务). `n` is its stable 1-based number within the plan. */
export interface DraftItem {
  readonly n: number
  readonly document: number
  readonly line: number
  readonly marker: string
  readonly path: readonly string[]
  readonly title: string
  readonly text: string
  /** Becomes a task on confirm (items with a unit tag or a due date are proposed included). */
  readonly included: boolean
  readonly units: Readonly<Record<UnitRole, readonly DraftUnit[]>>
  /** Due date `YYYY-MM-DD` (完成时间), or null. */
  readonly due: string | null
  /** The words the due date came from. */
  readonly dueText: string | null
  readonly targets: readonly Target[]
  /** Reporting cadence (报送频次) or null for the kind's default. */
  readonly cadence: ReportingCadence | null
  readonly cadenceText: string | null
  readonly flags: readonly DraftFlag[]
  /** For a row of a task table: 序号, people, notes, unknown columns, and the sheet/row/cells each field came from. */
  readonly table?: TableItem
  /** Set on confirm: the task this item became. */
  readonly itemId?: string
  readonly number?: string
}

/** The whole draft. */
export interface PlanDraft {
  readonly file: string
  readonly encoding: string
  readonly format: string
  /** Year used where the text gives none (the import year). */
  readonly importYear: number
  readonly documents: readonly DraftDocument[]
  readonly items: readonly DraftItem[]
  /** Lines the cleaner could not repair, for the reviewer. */
  readonly unrepaired: readonly { readonly line: number; readonly text: string }[]
  /** The tables of a spreadsheet, CSV or Word file as read, so review can show the rows beside the items. */
  readonly tables?: readonly DraftTable[]
}

/** One table of the uploaded file as read (merged cells carried), capped for storage. */
export interface DraftTable {
  /** Sheet name, the CSV file, or `表1` … */
  readonly name: string
  readonly rows: readonly { readonly row: number; readonly cells: readonly { readonly ref: string; readonly text: string }[] }[]
  /** True when rows past the cap were left out. */
  readonly truncated?: boolean
}

/** Every role, in the order a form shows them. */
export const UNIT_ROLES: readonly UnitRole[] = ['lead', 'responsible', 'cooperating']
