/**
 * Vite config of the web app (网页端): root is web/, the build goes to web/dist, which the server's
 * web plugin serves at `/`. `npm run dev:web` proxies /api and /docs to a running `duban serve`.
 */
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus and ECharts are large by nature; split them so the app's own code stays small.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // @vueuse/core ships /* #__PURE__ */ marks Rollup cannot place and drops with a warning on every
      // build; that is the library's packaging, nothing the user of `npm start` can act on. Other warnings stay.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules/')) return
        warn(warning)
      },
      output: {
        manualChunks: (id) => {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
          return undefined
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.DUBAN_API ?? 'http://127.0.0.1:3000',
      '/docs': process.env.DUBAN_API ?? 'http://127.0.0.1:3000',
    },
  },
})
