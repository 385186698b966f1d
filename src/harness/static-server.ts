/**
 * A tiny static file server (node:http only, no server code beyond reading files) that serves a
 * folder under a URL prefix, e.g. dist/ at http://127.0.0.1:PORT/some/where/. Like any plain
 * static host it knows a handful of MIME types, answers a folder with its index.html, and
 * redirects a folder without its trailing slash. It records every request it sees, so a test
 * can check that nothing was asked for outside the prefix.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServedRequest {
  method: string;
  /** Path and query as the browser sent them. */
  url: string;
  status: number;
  bytes: number;
  /** ms since the server started. */
  at: number;
}

export interface StaticServer {
  /** The site's URL, ending in the prefix (with its trailing slash). */
  url: string;
  origin: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** The two headers that make a page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface ServeOptions {
  /** Extra headers on every 200 response, as some hosts and proxies add (e.g. ISOLATION_HEADERS). */
  headers?: Readonly<Record<string, string>>;
}

/** Serves `root` under `prefix` (e.g. '/some/where/') on 127.0.0.1 and a free port. */
export async function serveStatic(
  root: string,
  prefix = '/',
  options: ServeOptions = {},
): Promise<StaticServer> {
  if (!prefix.startsWith('/') || !prefix.endsWith('/'))
    throw new Error(`prefix must start and end with /: ${prefix}`);
  const base = path.resolve(root);
  const requests: ServedRequest[] = [];
  const t0 = Date.now();
  const server: Server = createServer((req, res) => {
    const record = (status: number, bytes: number): void => {
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '', status, bytes, at: Date.now() - t0 });
    };
    const fail = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
      record(status, 0);
    };
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (pathname === prefix.slice(0, -1)) {
        res.writeHead(301, { location: prefix }).end();
        return record(301, 0);
      }
      if (!pathname.startsWith(prefix)) return fail(404, 'not found (outside the site)');
      let file = path.resolve(base, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)));
      if (file !== base && !file.startsWith(base + path.sep)) return fail(403, 'forbidden');
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: pathname + '/' }).end();
          return record(301, 0);
        }
        file = path.join(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (!info?.isFile()) return fail(404, 'not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-cache',
        ...options.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      record(200, body.length);
    })().catch((e: unknown) => fail(500, String(e)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    url: origin + prefix,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
