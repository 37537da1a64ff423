import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The UI is built to ui/dist, which the Ponte server serves at `/`.
// `npm run dev:ui` serves it with hot reload and proxies the API to a running Ponte
// (PONTE_URL, default http://127.0.0.1:3000).
const target = process.env.PONTE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    // Stable file names: the server lists ui/dist once at start, so a rebuild is served without a restart.
    rolldownOptions: { output: { entryFileNames: 'assets/[name].js', chunkFileNames: 'assets/[name].js', assetFileNames: 'assets/[name][extname]' } },
  },
  server: {
    port: Number(process.env.UI_PORT ?? 5173),
    proxy: { '/api': target, '/health': target, '/docs': target },
  },
});
