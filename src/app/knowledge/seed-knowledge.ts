/**
 * Demo step (演示数据): the knowledge base entries of demo/hotline/knowledge.json, written as published (reviewed
 * at seeding, note 演示数据). An entry whose title is already there is left alone, so the step runs again safely.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { insertKnowledgeEntry, setKnowledgeStatus } from '../../persistence/knowledge.repo.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { AppDeps } from '../deps.ts'
import { indexWords } from './search-words.ts'

interface DemoEntry {
  readonly title: string
  readonly body: string
  readonly ownerUnitId?: string
  readonly categoryCode?: string
  readonly validFrom?: string
  readonly validTo?: string
  readonly public?: boolean
}

/** Seeds the demo entries that are missing; returns the `demo:` line, or null when there was nothing to add. */
export async function seedDemoKnowledge(deps: AppDeps, demoDir: string, searchTokenize: Tokenize): Promise<string | null> {
  const { entries } = JSON.parse(await readFile(join(demoDir, 'hotline', 'knowledge.json'), 'utf8')) as { entries: DemoEntry[] }
  let n = 0
  await deps.db.transaction(async (tx) => {
    for (const e of entries) {
      const { rows } = await tx.query('SELECT 1 FROM knowledge_entry WHERE title = $1', [e.title])
      if (rows.length) continue
      const owner = e.ownerUnitId ? (await tx.query('SELECT 1 FROM unit WHERE id = $1', [e.ownerUnitId])).rows.length > 0 : false
      const category = e.categoryCode ? (await tx.query('SELECT 1 FROM service_category WHERE code = $1 AND active', [e.categoryCode])).rows.length > 0 : false
      const at = deps.clock.now()
      const id = deps.newId()
      const w = {
        id,
        ownerUnitId: owner ? e.ownerUnitId! : null,
        categoryCode: category ? e.categoryCode! : null,
        title: e.title,
        body: e.body,
        validFrom: e.validFrom ?? chinaDateOf(at.getTime()),
        validTo: e.validTo ?? null,
        public: e.public === true,
        status: 'draft' as const,
        version: 1,
        searchTokens: indexWords(searchTokenize, e.title, e.body),
        editorId: null,
        at,
      }
      await insertKnowledgeEntry(tx, w)
      await setKnowledgeStatus(tx, id, 'published', at, { reviewerId: null, note: '演示数据' })
      await appendAudit(tx, { actorId: null, at, action: 'knowledge.seed', entity: 'knowledge_entry', entityId: id, before: null, after: { title: e.title, status: 'published' } })
      n++
    }
  })
  return n > 0 ? `demo: ${n} knowledge base (知识库) entries, published` : null
}
