/** What the dispatch suggester (智能派单) knows of a unit: its place in the tree, its function and duties. */
export interface DispatchUnit {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  /** province, city, district, township, community, department or office. */
  readonly level: string
  /** The unit's function (职能) from src/domain/tickets/unit-functions.ts, or null. */
  readonly function: string | null
  readonly aliases: readonly string[]
  /** Its responsibilities (职责 / 权责清单 text); may be empty. */
  readonly duties: string
}
