// Vite builds the dashboard into dist/ with relative paths, so that any static server (the
// node's --dashboard among them) serves it from any prefix.
import { defineConfig } from 'vite';

export default defineConfig({
	base: './',
	build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
});
