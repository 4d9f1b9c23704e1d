import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { correlationIdOf } from '@observatoire/platform';
import type { Request, Response } from 'express';
import type { SearchIndex } from '../../domain/search-index.port';
import type { OrganisationSuggestion } from '../../domain/search-result';
import { SearchOverloadedError, SearchQueryInvalidError } from '../../domain/search.errors';
import { SEARCH_HTTP_OPTIONS, SEARCH_INDEX } from '../../search.tokens';
import { sendCacheableJson } from './http-cache';
import { SearchRateLimitGuard } from './rate-limit.guard';
import { toHttpError } from './search-http-errors';
import { searchQueryFromParams, suggestParamsFrom } from './search-params';

export interface SearchHttpOptions {
  /** `Cache-Control: public, max-age=<s>` of the answers (default 60). */
  maxAgeSeconds: number;
}

export interface OrganisationSuggestionItem extends OrganisationSuggestion {
  /** The page of the buyer (`/acheteurs/<id>`) or supplier (`/titulaires/<id>`). */
  link: string;
}

export function organisationLink(s: OrganisationSuggestion): string {
  return `/${s.role === 'buyer' ? 'acheteurs' : 'titulaires'}/${encodeURIComponent(s.id)}`;
}

/** Public, read-only, rate-limited and cacheable search endpoints (mounted under the app's `api` prefix). */
@Controller('search')
@UseGuards(SearchRateLimitGuard)
export class SearchController {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(SEARCH_HTTP_OPTIONS) private readonly options: SearchHttpOptions,
  ) {}

  /** `{ total, items: [{ uid, score, highlight, doc, link }], facets, nextCursor }` */
  @Get()
  async search(@Query() params: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const result = await this.index.search(searchQueryFromParams(params));
      sendCacheableJson(req, res, result, this.options.maxAgeSeconds);
    } catch (err) {
      if (err instanceof SearchOverloadedError) res.setHeader('Retry-After', '1');
      throw toHttpError(err, correlationIdOf(req));
    }
  }

  /** `{ items: [{ id, nom, role: 'buyer'|'supplier', contracts, link }] }` */
  @Get('organisations')
  async organisations(@Query() params: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const { prefix, limit } = suggestParamsFrom(params);
      const items: OrganisationSuggestionItem[] = (await this.index.suggestOrganisations(prefix, limit).catch(renamePrefixIssues)).map((s) => ({
        ...s,
        link: organisationLink(s),
      }));
      sendCacheableJson(req, res, { items }, this.options.maxAgeSeconds);
    } catch (err) {
      throw toHttpError(err, correlationIdOf(req));
    }
  }
}

/** The port names the text `prefix`; the query string calls it `q`. */
function renamePrefixIssues(err: unknown): never {
  if (err instanceof SearchQueryInvalidError) {
    throw new SearchQueryInvalidError(
      err.issues.map((i) => ({ path: i.path === 'prefix' ? 'q' : i.path, message: i.message.replace(/^prefix:/, 'q:') })),
    );
  }
  throw err;
}
