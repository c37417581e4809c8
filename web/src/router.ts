/** Routes of the web app; every screen but 登录 needs a session. */
import { createRouter, createWebHistory } from 'vue-router'
import { loadMe, session, whenUnauthenticated } from './api.ts'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    // The landing screen by role: the hotline operator (话务员) starts on the desk, everyone else on the ledger.
    { path: '/', component: () => import('./views/LedgerView.vue'), beforeEnter: () => (session.user?.role === 'operator' ? '/desk' : '/ledger') },
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/public', component: () => import('./views/PublicView.vue'), meta: { public: true } },
    { path: '/desk', component: () => import('./views/DeskView.vue') },
    { path: '/tickets', component: () => import('./views/TicketsView.vue') },
    { path: '/tickets/:id', component: () => import('./views/TicketView.vue'), props: true },
    { path: '/hotline', component: () => import('./views/HotlineView.vue') },
    { path: '/knowledge', component: () => import('./views/KnowledgeView.vue') },
    { path: '/admin/catalogue', component: () => import('./views/CatalogueView.vue') },
    { path: '/admin/audit', component: () => import('./views/AuditView.vue') },
    { path: '/admin/units', component: () => import('./views/UnitsView.vue') },
    { path: '/admin/deliveries', component: () => import('./views/DeliveriesView.vue') },
    { path: '/admin/users', component: () => import('./views/UsersView.vue') },
    { path: '/notifications', component: () => import('./views/NotificationsView.vue') },
    { path: '/ledger', component: () => import('./views/LedgerView.vue') },
    { path: '/items/:id', component: () => import('./views/ItemView.vue'), props: true },
    { path: '/plans/import', component: () => import('./views/PlanImportView.vue') },
    { path: '/plans/:id', component: () => import('./views/PlanImportView.vue'), props: true },
    { path: '/supervision', component: () => import('./views/SupervisionView.vue') },
    { path: '/assessment', component: () => import('./views/AssessmentView.vue') },
    { path: '/:rest(.*)*', redirect: '/ledger' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!session.user && !(await loadMe())) return { path: '/login', query: { next: to.fullPath } }
  return true
})

whenUnauthenticated(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) void router.push({ path: '/login', query: { next: here.fullPath } })
})
