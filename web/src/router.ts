/** Routes of the web app; every screen but 登录 needs a session, and some a role (meta.roles, as App.vue's menus). */
import { createRouter, createWebHistory } from 'vue-router'
import { loadMe, session, whenUnauthenticated } from './api.ts'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    // The landing screen by role: the hotline operator (话务员) starts on the desk, everyone else on the ledger.
    { path: '/', component: () => import('./views/LedgerView.vue'), beforeEnter: () => (session.user?.role === 'operator' ? '/desk' : '/ledger') },
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/public', component: () => import('./views/PublicView.vue'), meta: { public: true } },
    { path: '/desk', component: () => import('./views/DeskView.vue'), meta: { roles: ['operator', 'admin'] } },
    { path: '/tickets', component: () => import('./views/TicketsView.vue') },
    { path: '/tickets/:id', component: () => import('./views/TicketView.vue'), props: true },
    { path: '/hotline', component: () => import('./views/HotlineView.vue'), meta: { roles: ['leader', 'supervisor', 'admin', 'operator'] } },
    { path: '/knowledge', component: () => import('./views/KnowledgeView.vue'), meta: { roles: ['admin', 'supervisor', 'operator'] } },
    { path: '/admin/catalogue', component: () => import('./views/CatalogueView.vue'), meta: { roles: ['admin', 'operator'] } },
    { path: '/admin/audit', component: () => import('./views/AuditView.vue'), meta: { roles: ['admin'] } },
    { path: '/admin/units', component: () => import('./views/UnitsView.vue'), meta: { roles: ['admin'] } },
    { path: '/admin/deliveries', component: () => import('./views/DeliveriesView.vue'), meta: { roles: ['admin'] } },
    { path: '/admin/users', component: () => import('./views/UsersView.vue'), meta: { roles: ['admin'] } },
    { path: '/notifications', component: () => import('./views/NotificationsView.vue') },
    { path: '/ledger', component: () => import('./views/LedgerView.vue') },
    { path: '/items/:id', component: () => import('./views/ItemView.vue'), props: true },
    // Importing is the 督查室's (POST /api/plans: supervisor, admin); a leader reads a plan (/plans/:id) but imports none.
    { path: '/plans/import', component: () => import('./views/PlanImportView.vue'), meta: { roles: ['supervisor', 'admin'] } },
    { path: '/plans/:id', component: () => import('./views/PlanImportView.vue'), props: true, meta: { roles: ['supervisor', 'admin', 'leader'] } },
    { path: '/supervision', component: () => import('./views/SupervisionView.vue') },
    { path: '/assessment', component: () => import('./views/AssessmentView.vue'), meta: { roles: ['supervisor', 'leader', 'admin'] } },
    { path: '/:rest(.*)*', redirect: '/ledger' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!session.user && !(await loadMe())) return { path: '/login', query: { next: to.fullPath } }
  // A screen of other roles (a link, a bookmark, a typed address) goes to the user's own landing screen instead of
  // showing a form every action of which the API refuses (a liaison on 受理台, a leader on 知识库).
  const roles = to.meta.roles as readonly string[] | undefined
  if (roles && session.user && !roles.includes(session.user.role)) return session.user.role === 'operator' ? '/desk' : '/ledger'
  return true
})

whenUnauthenticated(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) void router.push({ path: '/login', query: { next: here.fullPath } })
})
