import { Injectable } from '@nestjs/common';
import { escapeLike, foldVietnamese } from '../common/text.js';
import { Database } from '../database/database.js';
import { OPEN_STATES } from './document-types.js';

export type MatchPlace = 'title' | 'code' | 'content' | 'file';
export const MATCH_PLACES: readonly MatchPlace[] = ['title', 'code', 'content', 'file'];

export interface SearchMatch {
  in: MatchPlace;
  /** HTML-escaped text around the match, the matched words in <mark>…</mark>. */
  snippet: string;
  /** For `file`: the file's name. */
  filename?: string;
}

/**
 * Which revisions' text a caller may search: `none` (staff, the public: the revision in force
 * only), `all` (drafts too, everywhere the list reaches) or a SQL placeholder of the uuid[] of
 * agencies where open revisions may be read.
 */
export type DraftScope = { kind: 'none' } | { kind: 'all' } | { kind: 'agencies'; placeholder: string; agencyIds: string[] };

const START = '[[[';
const STOP = ']]]';
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
/** ts_headline reads at most this much of a file's text (a match further on still finds the document). */
const HEADLINE_CHARS = 200_000;

/** Search terms: folded (no accents, lower case), split on spaces, at most 8. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return foldVietnamese(q)
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A headline with our markers as safe HTML. */
function markedHtml(headline: string): string {
  return escapeHtml(headline).split(START).join('<mark>').split(STOP).join('</mark>').replace(/\s+/g, ' ').trim();
}

/** `text` with every folded occurrence of the terms marked (title and code matches). */
export function highlightTerms(text: string, terms: string[]): string | null {
  const chars = [...text];
  const folded = chars.map((c) => {
    const f = foldVietnamese(c);
    return f.length === 1 ? f : c.toLowerCase().slice(0, 1) || c;
  });
  const haystack = folded.join('');
  const marks = new Array<boolean>(chars.length).fill(false);
  for (const term of terms) {
    let at = haystack.indexOf(term);
    if (at < 0) return null;
    while (at >= 0) {
      for (let i = at; i < at + term.length; i++) marks[i] = true;
      at = haystack.indexOf(term, at + term.length);
    }
  }
  let out = '';
  let open = false;
  chars.forEach((c, i) => {
    if (marks[i] && !open) (out += '<mark>'), (open = true);
    if (!marks[i] && open) (out += '</mark>'), (open = false);
    out += escapeHtml(c);
  });
  if (open) out += '</mark>';
  return out;
}

/**
 * Search of the register: titles and codes (every word, as a substring of the stored folded
 * search_text, trigram-indexed), the structured content of the revisions the caller may read
 * (full text over its string values, GIN expression index) and the extracted text of their files
 * (file_texts.tsv, GIN). Full text uses the `vn_unaccent` configuration: accents and case are
 * ignored, whole words match. Staff and the public search the revision in force only — a draft's
 * content or files never match for them. `matches` gives each hit's places with a snippet.
 */
@Injectable()
export class DocumentSearch {
  constructor(private readonly db: Database) {}

  /** The revisions of document `docAlias` whose text the scope may read, as a condition on `r`. */
  private readable(scope: DraftScope, open: string): string {
    if (scope.kind === 'none') return `r.state = 'effective'`;
    if (scope.kind === 'all') return `r.state IN ('effective', ${open})`;
    return `(r.state = 'effective' OR (r.state IN (${open}) AND r.agency_id = ANY(${scope.placeholder}::uuid[])))`;
  }

  /**
   * A WHERE condition on documents `d` for the query `q` (null when q has no words). `within`: SQL
   * conditions on `r.agency_id` naming the agencies the list can reach at all, so the content and
   * file subqueries start from those agencies' revisions instead of every match in the database.
   */
  condition(q: string | undefined, $: (v: unknown) => string, scope: DraftScope, within: string[] = []): string | null {
    const terms = searchTerms(q);
    if (!terms.length) return null;
    const open = OPEN_STATES.map((s) => `'${s}'`).join(', ');
    const title = terms.map((t) => `d.search_text LIKE ${$(`%${escapeLike(t)}%`)}`).join(' AND ');
    const tsq = `plainto_tsquery('vn_unaccent', ${$(terms.join(' '))})`;
    const readable = within.length ? `${this.readable(scope, open)} AND (${within.join(' OR ')})` : this.readable(scope, open);
    return `((${title})
      OR d.id IN (SELECT r.document_id FROM revisions r
                   WHERE jsonb_to_tsvector('vn_unaccent'::regconfig, r.content, '["string"]') @@ ${tsq} AND ${readable})
      OR d.id IN (SELECT r.document_id FROM file_texts ft
                    JOIN revision_files rf ON rf.sha256 = ft.sha256
                    JOIN revisions r ON r.id = rf.revision_id
                   WHERE ft.tsv @@ ${tsq} AND ${readable}))`;
  }

  /** Where each document of the page matched, with snippets (title, code, content, a file). */
  async matches(docs: { id: string; code: string; title: string }[], q: string | undefined, scope: DraftScope): Promise<Map<string, SearchMatch[]>> {
    const out = new Map<string, SearchMatch[]>();
    const terms = searchTerms(q);
    if (!terms.length || !docs.length) return out;
    for (const d of docs) {
      const list: SearchMatch[] = [];
      const title = highlightTerms(d.title, terms);
      if (title) list.push({ in: 'title', snippet: title });
      const code = highlightTerms(d.code, terms);
      if (code) list.push({ in: 'code', snippet: code });
      out.set(d.id, list);
    }
    const params: unknown[] = [];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const ids = $(docs.map((d) => d.id));
    const tsq = `plainto_tsquery('vn_unaccent', ${$(terms.join(' '))})`;
    const opts = $(HEADLINE_OPTIONS);
    const scoped: DraftScope = scope.kind === 'agencies' ? { ...scope, placeholder: $(scope.agencyIds) } : scope;
    const readable = this.readable(scoped, OPEN_STATES.map((s) => `'${s}'`).join(', '));
    const rows = await this.db.query<{ document_id: string; place: 'content' | 'file'; filename: string | null; snippet: string }[]>(
      `SELECT * FROM (
         SELECT DISTINCT ON (r.document_id) r.document_id, 'content' AS place, NULL::text AS filename,
                ts_headline('vn_unaccent', (SELECT string_agg(v #>> '{}', ' · ') FROM jsonb_path_query(r.content, 'strict $.** ? (@.type() == "string")') v), ${tsq}, ${opts}) AS snippet
           FROM revisions r
          WHERE r.document_id = ANY(${ids}::uuid[]) AND ${readable}
            AND jsonb_to_tsvector('vn_unaccent'::regconfig, r.content, '["string"]') @@ ${tsq}
          ORDER BY r.document_id, (r.state = 'effective') DESC) c
       UNION ALL
       SELECT * FROM (
         SELECT DISTINCT ON (r.document_id) r.document_id, 'file' AS place, rf.filename,
                ts_headline('vn_unaccent', left(ft.text, ${HEADLINE_CHARS}), ${tsq}, ${opts}) AS snippet
           FROM revisions r
           JOIN revision_files rf ON rf.revision_id = r.id
           JOIN file_texts ft ON ft.sha256 = rf.sha256
          WHERE r.document_id = ANY(${ids}::uuid[]) AND ${readable} AND ft.tsv @@ ${tsq}
          ORDER BY r.document_id, (r.state = 'effective') DESC, rf.role DESC, rf.created_at) f`,
      params,
    );
    for (const r of rows) {
      const m: SearchMatch = { in: r.place, snippet: markedHtml(r.snippet ?? '') };
      if (r.filename) m.filename = r.filename;
      out.get(r.document_id)?.push(m);
    }
    return out;
  }
}
