import { createReadStream, promises as fsp } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { FileInput } from '../../domain';

/** Expands CLI arguments into inputs: files, directories (recursively, sorted) and http(s) URLs. */
export async function resolveInputs(args: string[]): Promise<FileInput[]> {
  const out: FileInput[] = [];
  for (const arg of args) {
    if (/^https?:\/\//i.test(arg)) {
      out.push(urlInput(arg));
      continue;
    }
    const path = resolve(arg);
    const stat = await fsp.stat(path).catch(() => null);
    if (stat?.isDirectory()) {
      for (const f of await listFiles(path)) out.push(fileInput(f));
    } else {
      out.push(fileInput(path));
    }
  }
  return out;
}

/** How a file is named in summaries and provenance: relative to the working directory when inside it. */
export function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function fileInput(path: string, name = displayName(path)): FileInput {
  return { name, open: () => createReadStream(path) };
}

export function urlInput(url: string, init: { headers?: Record<string, string>; timeoutMs?: number } = {}): FileInput {
  return {
    name: url,
    open: () => {
      const pass = new PassThrough();
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new Error(`timeout after ${init.timeoutMs ?? 120_000} ms`)), init.timeoutMs ?? 120_000);
      fetch(url, { headers: init.headers, signal: ctrl.signal })
        .then((res) => {
          if (!res.ok || !res.body) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}`);
          const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
          body.on('error', (e) => pass.destroy(e));
          body.on('end', () => clearTimeout(timer));
          body.pipe(pass);
        })
        .catch((e: Error) => {
          clearTimeout(timer);
          pass.destroy(e);
        });
      return pass;
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (/\.(json|xml|csv|gz)$/i.test(e.name) && !/^(README|PROVENANCE)/i.test(basename(e.name))) out.push(p);
  }
  return out;
}
