import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A local HTTP server (127.0.0.1, random port) serving DECP feeds for tests: one route per path,
 * replaceable during a test; every request is recorded with its headers.
 */
export class FeedServer {
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  private readonly routes = new Map<string, Route>();
  private server!: Server;
  private base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.requests.push({ path, headers: req.headers });
      const route = this.routes.get(path);
      if (!route) {
        res.writeHead(404).end('not found');
        return;
      }
      route(req, res);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  route(path: string, route: Route): string {
    this.routes.set(path, route);
    return this.url(path);
  }

  requestsTo(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A body, with an ETag honoured by a 304 when `If-None-Match` matches. */
export function withEtag(body: () => string, etag: () => string): Route {
  return (req, res) => {
    if (req.headers['if-none-match'] === etag()) {
      res.writeHead(304, { etag: etag() }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: etag() }).end(body());
  };
}

/** A body without any validator (the puller must compare content hashes). */
export function plain(body: () => string, contentType = 'application/json'): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType }).end(body());
  };
}

export function failing(status = 500): Route {
  return (_req, res) => {
    res.writeHead(status).end('boom');
  };
}

/** Sends headers, then never finishes the body. */
export function slow(): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"marches": [');
  };
}
