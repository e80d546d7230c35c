// Vite build of the register's page: hashed files under dist/assets/, no inline script (the
// server's Content-Security-Policy forbids it), no source maps shipped.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.js'],
    environment: 'node',
  },
});
