/** Starts the web app: Element Plus in Chinese (zh-CN), the router, the layout. */
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.ts'
import './style.css'

// After a new build (npm run build:web) a page opened before it asks for chunks the build replaced: Vite signals
// it here. Reload once to fetch the new index.html instead of leaving a blank screen; a second failure within a
// minute is a real outage, so the page shows its error rather than reloading in a loop.
window.addEventListener('vite:preloadError', (event) => {
  const last = Number(sessionStorage.getItem('duban:reloaded-for-build') ?? 0)
  if (Date.now() - last < 60_000) return
  sessionStorage.setItem('duban:reloaded-for-build', String(Date.now()))
  event.preventDefault()
  window.location.reload()
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
