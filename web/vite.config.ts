// Vite build for the kyoso web UI. The output (dist/) is served by the kyoso binary under a strict
// CSP (script-src 'self'; style-src 'self'), so nothing may be inlined into index.html: no inline
// scripts, no inline styles, one CSS file loaded by <link>.
import { defineConfig } from 'vite';

export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Never inline assets as data: URIs in JS/CSS; fonts and images stay separate files.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    target: 'es2020',
    sourcemap: false,
    // The polyfill is only for browsers without <link rel=modulepreload>; all supported ones have it.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` proxies the API to a locally running `kyoso serve`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
  preview: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
});
