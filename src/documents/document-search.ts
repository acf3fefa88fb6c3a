import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { escapeLike, foldVietnamese } from '../common/text.js';
import { Database } from '../database/database.js';

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
 * Which revisions' text may give a document's snippets: its revision in force only (`in_force`:
 * staff, the public), or the revisions an SQL uuid[] expression lists (`listed`: the register
 * page's revision in force and its open revision, joined only where the caller reads drafts).
 */
export type ReadableRevisions = { kind: 'in_force' } | { kind: 'listed'; sql: string };

const START = '[[[';
const STOP = ']]]';
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
/** The snippet's window is looked for in at most this much of a file's text (a match further on still finds the document). */
const HEADLINE_CHARS = 200_000;
/** ts_headline reads a window of this many characters of a file's text, from this many before the first word found. */
const WINDOW_CHARS = 700;
const WINDOW_BEFORE = 200;
/**
 * The first word is looked for in the first this-many characters, in that order, then (only when not
 * there) in the whole HEADLINE_CHARS: folding is most of a snippet's cost, and words are usually early.
 */
const FIRST_LOOKS = [1000, 4000];

/** Search terms: folded (no accents, lower case), split on spaces, at most 8. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return foldVietnamese(q)
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);
}

/** Characters' folds, kept once computed (a page of titles folds the same few hundred characters). */
const FOLDED_CHARS = new Map<string, string>();
const FOLDED_CHARS_KEPT = 10_000;

/** One character's fold, as one character (so a title's positions are its folded text's). */
function foldChar(c: string): string {
  let f = FOLDED_CHARS.get(c);
  if (f === undefined) {
    const x = foldVietnamese(c);
    f = x.length === 1 ? x : c.toLowerCase().slice(0, 1) || c;
    if (FOLDED_CHARS.size < FOLDED_CHARS_KEPT) FOLDED_CHARS.set(c, f);
  }
  return f;
}

/** A headline with our markers as safe HTML. */
function markedHtml(headline: string): string {
  return escapeHtml(headline).split(START).join('<mark>').split(STOP).join('</mark>').replace(/\s+/g, ' ').trim();
}

/** `text` with every folded occurrence of the terms marked (title and code matches). */
export function highlightTerms(text: string, terms: string[]): string | null {
  const chars = [...text];
  const haystack = chars.map(foldChar).join('');
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
    out += HTML_ESCAPES[c] ?? c;
  });
  if (open) out += '</mark>';
  return out;
}

/**
 * Whose text the text arm may match, on `document_search` alone (`s.agency_id`): the words of the
 * revision in force and those of the open revision, each of every agency (`true`), of the agencies
 * of a uuid[] SQL placeholder, or (open only) of none (`null`). Matching a vector implies the
 * document is visible: a revision in force makes it visible to its readers, the open one is only
 * readable by those who may read drafts, who see the document anyway.
 */
export interface TextScope {
  inForce: true | string;
  open: true | string | null;
}

/** The rows a search pages over: both arms select `select` from `from` (naming documents `d`) under `where`. */
export interface SearchBase {
  /** The page's columns, the same in both arms (e.g. `d.id, d.code_key`). */
  select: string;
  /** A FROM clause naming the documents `d` (joins allowed). */
  from: string;
  /** Conditions on `d` (and `from`'s joins) of both arms. */
  where: string[];
  /**
   * Conditions of the title arm only: who may see the document (the text arm's TextScope implies it).
   * Over many agencies, without `where`, they are tested on a prefix of the register read from
   * documents_code_search_idx (arms): they may read only d.id, d.code_key, d.agency_id, d.search_text.
   */
  titleWhere?: string[];
  /** The title arm's cursor: a condition on `d` (e.g. `(d.code_key, d.id) > (…)`), where its walk starts. */
  titleAfter?: string;
  /** Conditions of the text arm only, on `s` (document_search): e.g. the page's cursor on (s.code_key, s.document_id). */
  textWhere?: string[];
  /** The page's order inside the arms (on `d`), and outside them (on the selected column names). */
  order: string;
  outerOrder: string;
  /** The SQL placeholder of the page size (rows to return). */
  limit: string;
  /**
   * The caller sees the documents of a few agencies (at most SMALL_SCOPE, or one asked for): both arms
   * walk those agencies' documents in order, testing each, rather than look the words up in the
   * indexes of every agency's documents (a common word's postings are most of the register).
   */
  few?: boolean;
}

/**
 * A document_search row that holds any words, in the words of the predicate of its partial order
 * index (migration DocumentSearchWordedOrder): a row without words matches no search.
 */
export const WORDED = `(length(s.in_force) > 0 OR length(s.open) > 0)`;

/** Agencies up to which a caller's documents are walked rather than looked up (SearchBase.few). */
export const SMALL_SCOPE = 16;

/** A regular expression matching any of the folded terms as a whole word (the snippet window's centre). */
function termsRegex(terms: string[]): string {
  return `\\m(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\M`;
}

/**
 * Search of the register: titles and codes (every word, as a substring of the stored folded
 * search_text, trigram-indexed), and the words of the revision the caller may read: the content
 * and the extracted text of the files of the revision in force, and of the open revision where the
 * caller may read drafts, kept per document in `document_search` (in_force / open, GIN; see the
 * DocumentSearchVectors migration). Full text uses the `vn_unaccent` configuration: accents and case
 * are ignored, whole words match, all of them in one readable revision. Staff and the public search
 * the revision in force only — a draft's content or files never match for them. A page is the union
 * of the title arm and the text arm, each ordered and limited on its own, so neither builds the set
 * of every match before visibility and LIMIT apply. `matches` gives each hit's places with a snippet,
 * computed for the page's rows only.
 */
@Injectable()
export class DocumentSearch {
  constructor(
    private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The revisions whose text may give snippets, as a condition on `r`. */
  private readable(revisions: ReadableRevisions): string {
    return revisions.kind === 'in_force' ? `r.state = 'effective'` : `r.id = ANY(${revisions.sql})`;
  }

  /**
   * The text arm's condition on `s` (document_search) alone: a readable vector holds every word.
   * `walk`: as a function call (ts_match_vq is @@), which no index answers, so the rows walked are tested.
   * `hits`: on the rows of the `hits` CTE, whose `in_force` and `open` are whether each vector matched.
   */
  private textCondition(scope: TextScope, tsq: string, mode: 'index' | 'walk' | 'hits'): string {
    const match = (vector: string) => (mode === 'walk' ? `ts_match_vq(s.${vector}, ${tsq})` : mode === 'hits' ? `s.${vector}` : `s.${vector} @@ ${tsq}`);
    const of = (agencies: true | string, vector: string) => (agencies === true ? match(vector) : `(s.agency_id = ANY(${agencies}::uuid[]) AND ${match(vector)})`);
    const arms = [of(scope.inForce, 'in_force')];
    if (scope.open !== null) arms.push(of(scope.open, 'open'));
    return arms.length === 1 ? arms[0] : `(${arms.join(' OR ')})`;
  }

  /**
   * The SQL of one page of `base` rows matching q, in `outerOrder` (null when q has no words): the
   * first `limit` rows of the title arm and of the text arm (`arms`), merged in one statement.
   */
  page(q: string | undefined, $: (v: unknown) => string, scope: TextScope, base: SearchBase): string | null {
    const arms = this.arms(q, $, scope, base);
    if (!arms) return null;
    return `SELECT * FROM ((${arms.title}) UNION (${arms.text})) u ORDER BY ${base.outerOrder} LIMIT ${base.limit}`;
  }

  /**
   * The ids of a page's candidates (at most `limit` of each arm: the page is the first `limit` of
   * them in order), each arm a statement of its own, both sent at once on two pooled connections;
   * null when q has no words. For searches over many agencies, where each arm of a common word
   * costs PostgreSQL several milliseconds (walking the code order, or a GIN or trigram lookup of
   * thousands of rows): the request waits for the slower arm, not for both. `build` makes the arms'
   * scope and rows with the placeholders it is given. `base.select` must give the documents' `id`.
   */
  async candidates(q: string | undefined, build: ($: (v: unknown) => string) => { scope: TextScope; base: SearchBase }): Promise<string[] | null> {
    if (!searchTerms(q).length) return null;
    // The rows and scope are built once, with markers for their values; each arm's statement numbers
    // the values it holds (a value a statement does not use would be a parameter of no known type).
    const values: unknown[] = [];
    const mark = (v: unknown) => `\u0000${values.push(v) - 1}\u0000`;
    const { scope, base } = build(mark);
    const arms = this.arms(q, mark, scope, base)!;
    const statement = (sql: string) => {
      const params: unknown[] = [];
      const numbers = new Map<string, string>();
      const text = sql.replace(/\u0000(\d+)\u0000/g, (_, i: string) => {
        let n = numbers.get(i);
        if (n === undefined) numbers.set(i, (n = `$${params.push(values[Number(i)])}`));
        return n;
      });
      return this.db.query<{ id: string }[]>(text, params);
    };
    const [title, text] = await Promise.all([statement(arms.title), statement(arms.text)]);
    return [...new Set([...title, ...text].map((r) => r.id))];
  }

  /**
   * The SQL of the two arms of a page of `base` rows matching q (null when q has no words), each
   * ordered and limited on its own. Each arm is planned on its own (walking the order index while
   * matches are dense, a GIN lookup when they are rare); the text arm filters and orders on
   * document_search (its code_key, agency_id and vectors), joining the documents it keeps.
   */
  arms(q: string | undefined, $: (v: unknown) => string, scope: TextScope, base: SearchBase): { title: string; text: string } | null {
    const terms = searchTerms(q);
    if (!terms.length) return null;
    // strpos: the same test as LIKE '%term%', and not one the trigram index answers (SearchBase.few).
    const title = terms.map((t) => (base.few ? `strpos(d.search_text, ${$(t)}) > 0` : `d.search_text LIKE ${$(`%${escapeLike(t)}%`)}`)).join(' AND ');
    const tsq = `plainto_tsquery('vn_unaccent', ${$(terms.join(' '))})`;
    const and = (xs: string[]) => (xs.length ? `${xs.join(' AND ')} AND ` : '');
    const titleWhere = and([...base.where, ...(base.titleWhere ?? []), ...(base.titleAfter ? [base.titleAfter] : [])]);
    const textWhere = and(base.textWhere ?? []);
    const text = this.textCondition(scope, tsq, base.few ? 'walk' : 'index');
    const prefix = base.few ? 0 : this.config.searchWalkPrefix;
    /**
     * `walked` (the matches among the first `prefix` rows of the order: a walk of bounded cost, which
     * for a common word holds the page), and the rows of `full` only when those are fewer than the
     * page: the first rows in order of both are the page, whatever the planner thinks of the words
     * (it guesses a common word rare, and sorts thousands of matches out of the index where the walk
     * finds its page among a few hundred rows). Rows of `walked` may come again in `full`'s.
     */
    const walkedFirst = (walked: string, full: string) =>
      `WITH walked AS MATERIALIZED (${walked})
       SELECT * FROM walked
       UNION ALL
       (SELECT * FROM (${full}) f WHERE (SELECT count(*) FROM walked) < ${base.limit})`;
    // Without conditions on the documents, the text arm's page is chosen on document_search alone and
    // only its rows are joined; otherwise documents are joined to the rows walked and filtered.
    // Over many agencies, how the text arm finds its page follows how many vectors hold the words
    // (up to SEARCH_LOOKUP_MAX + 1 of them looked up, without agency or cursor), not the planner's
    // estimate: its guess for a word it has no statistics of is a share of the register, so it walked
    // all 100,000 vectors in code order for words none of them holds. Few: the page is sorted out of
    // the rows looked up (`hits`, with which vector matched); many: walked in code order. Before
    // either, the first SEARCH_WALK_PREFIX rows that hold words are tested in code order (walkedFirst):
    // a common word's page is among them, and neither its count nor its postings are read.
    const lookUpMax = this.config.searchLookUpMax;
    const vectors = scope.open === null ? `s.in_force @@ ${tsq}` : `(s.in_force @@ ${tsq} OR s.open @@ ${tsq})`;
    const flags = scope.open === null ? `s.in_force @@ ${tsq} AS in_force` : `s.in_force @@ ${tsq} AS in_force, s.open @@ ${tsq} AS open`;
    const hitsText = this.textCondition(scope, tsq, 'hits');
    const hitsPage = `(SELECT s.document_id, s.code_key FROM hits s WHERE ${textWhere}${hitsText} ORDER BY s.code_key, s.document_id LIMIT ${base.limit})`;
    // The walk over every agency's vectors walks the documents that hold words only (WORDED: the
    // predicate of document_search_worded_idx), not those that can match nothing.
    const walkPage = `(SELECT s.document_id, s.code_key FROM document_search s WHERE ${textWhere}${base.few ? '' : `${WORDED} AND `}${text} ORDER BY s.code_key, s.document_id LIMIT ${base.limit})`;
    const prefixPage = `SELECT s.document_id, s.code_key
         FROM (SELECT s.document_id, s.code_key, s.agency_id, s.in_force, s.open FROM document_search s
                WHERE ${textWhere}${WORDED} ORDER BY s.code_key, s.document_id LIMIT ${prefix}) s
        WHERE ${this.textCondition(scope, tsq, 'walk')} ORDER BY s.code_key, s.document_id LIMIT ${base.limit}`;
    // The choice is a condition on the count alone, outside each page's LIMIT: the plan not chosen
    // is never started (under the LIMIT it would be, e.g. parallel workers launched for nothing).
    const when = (test: string, page: string) => `(SELECT * FROM ${page} x WHERE (SELECT h.n FROM holding h) ${test})`;
    const lookedUp = `WITH hits AS MATERIALIZED (SELECT s.document_id, s.code_key, s.agency_id, ${flags} FROM document_search s WHERE ${vectors} LIMIT ${lookUpMax + 1}),
                 holding AS MATERIALIZED (SELECT count(*) AS n FROM hits)
            ${when(`<= ${lookUpMax}`, hitsPage)}
            UNION ALL
            ${when(`> ${lookUpMax}`, walkPage)}`;
    const textArm = base.where.length
      ? `SELECT ${base.select} FROM ${base.from} JOIN document_search s ON s.document_id = d.id
          WHERE ${and(base.where)}${textWhere}${text} ORDER BY s.code_key, s.document_id LIMIT ${base.limit}`
      : base.few
        ? `SELECT ${base.select} FROM ${base.from} JOIN ${walkPage} s ON s.document_id = d.id`
        : `SELECT ${base.select} FROM ${base.from} JOIN (${prefix ? walkedFirst(prefixPage, lookedUp) : lookedUp}) s ON s.document_id = d.id`;
    const titleFull = `SELECT ${base.select} FROM ${base.from} WHERE ${titleWhere}(${title}) ORDER BY ${base.order} LIMIT ${base.limit}`;
    // The title arm's prefix is read from documents_code_search_idx alone (an index-only walk); who
    // may see a document is tested on the rows walked, so the walk's cost is bounded whoever asks.
    const titleArm =
      prefix && !base.where.length
        ? walkedFirst(
            `SELECT ${base.select}
               FROM (SELECT d.id, d.code_key, d.agency_id, d.search_text FROM documents d ${base.titleAfter ? `WHERE ${base.titleAfter}` : ''}
                      ORDER BY d.code_key, d.id LIMIT ${prefix}) d
              WHERE ${and(base.titleWhere ?? [])}(${title}) ORDER BY ${base.order} LIMIT ${base.limit}`,
            titleFull,
          )
        : titleFull;
    return { title: titleArm, text: textArm };
  }

  /**
   * Where each document of the page matched, with snippets (title, code, content, a file): the places
   * holding every word; for a document whose words are spread over its places (content and a file),
   * the places holding some of them, so every hit shows why it was found. Snippets come from a window
   * of the text around the first word found, so a long file is not parsed whole for each row.
   */
  async matches(docs: { id: string; code: string; title: string }[], q: string | undefined, revisions: ReadableRevisions): Promise<Map<string, SearchMatch[]>> {
    const terms = searchTerms(q);
    if (!terms.length || !docs.length) return this.collect(docs, terms, []);
    const params: unknown[] = [];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const ids = $(docs.map((d) => d.id));
    const rows = await this.db.query<MatchRow[]>(this.matchesSql(terms, $, revisions, `${ids}::uuid[]`)!, params);
    return this.collect(docs, terms, rows);
  }

  /**
   * The SQL of the content and file matches (MatchRow) of the documents whose ids the SQL expression
   * `ids` (a uuid[]) gives, for a statement that also selects the page (one round trip), from the
   * text of `revisions`. Null when q has no words.
   */
  matchesSql(terms: string[], $: (v: unknown) => string, revisions: ReadableRevisions, ids: string): string | null {
    if (!terms.length) return null;
    const every = `plainto_tsquery('vn_unaccent', ${$(terms.join(' '))})`;
    const some = `replace(${every}::text, ' & ', ' | ')::tsquery`;
    const opts = $(HEADLINE_OPTIONS);
    const re = $(termsRegex(terms));
    const readable = this.readable(revisions);
    // The revision's words, kept with it (migration RevisionContentVector): never built from the JSON here.
    const contentTsv = `r.content_tsv`;
    return `WITH q AS (SELECT ${every} AS every, ${some} AS some),
       c AS (
         SELECT DISTINCT ON (r.document_id) r.document_id, r.id AS revision_id, ${contentTsv} @@ q.every AS every
           FROM q, revisions r
          WHERE r.document_id = ANY(${ids}) AND ${readable} AND ${contentTsv} @@ q.some
          ORDER BY r.document_id, 3 DESC, (r.state = 'effective') DESC),
       f AS (
         SELECT DISTINCT ON (r.document_id) r.document_id, rf.filename, ft.sha256, ft.tsv @@ q.every AS every
           FROM q, revisions r
           JOIN revision_files rf ON rf.revision_id = r.id
           JOIN file_texts ft ON ft.sha256 = rf.sha256
          WHERE r.document_id = ANY(${ids}) AND ${readable} AND ft.tsv @@ q.some
          ORDER BY r.document_id, 4 DESC, (r.state = 'effective') DESC, rf.role DESC, rf.created_at)
       SELECT c.document_id, 'content' AS place, c.every, NULL::text AS filename,
              ts_headline('vn_unaccent', (SELECT string_agg(v #>> '{}', ' · ') FROM jsonb_path_query(r.content, 'strict $.** ? (@.type() == "string")') v),
                          CASE WHEN c.every THEN q.every ELSE q.some END, ${opts}) AS snippet
         FROM c JOIN revisions r ON r.id = c.revision_id, q
       UNION ALL
       SELECT f.document_id, 'file', f.every, f.filename,
              ts_headline('vn_unaccent', w.text, CASE WHEN f.every THEN q.every ELSE q.some END, ${opts})
         FROM f JOIN file_texts ft ON ft.sha256 = f.sha256, q,
              LATERAL (SELECT left(ft.text, ${HEADLINE_CHARS}) AS text) x,
              LATERAL (SELECT coalesce(${FIRST_LOOKS.map((n) => `nullif(regexp_instr(search_fold(left(x.text, ${n})), ${re}), 0), `).join('')}nullif(regexp_instr(search_fold(x.text), ${re}), 0), 1) AS at) p,
              LATERAL (SELECT CASE WHEN p.at <= ${WINDOW_BEFORE} THEN left(x.text, ${WINDOW_CHARS})
                                   ELSE regexp_replace(substr(x.text, p.at - ${WINDOW_BEFORE}, ${WINDOW_CHARS}), '^\\S*\\s', '') END AS text) w`;
  }

  /** The matches of each document: its title and code (marked here) and the content and file rows of matchesSql. */
  collect(docs: { id: string; code: string; title: string }[], terms: string[], rows: MatchRow[]): Map<string, SearchMatch[]> {
    const out = new Map<string, SearchMatch[]>();
    if (!terms.length) return out;
    for (const d of docs) {
      const list: SearchMatch[] = [];
      const title = highlightTerms(d.title, terms);
      if (title) list.push({ in: 'title', snippet: title });
      const code = highlightTerms(d.code, terms);
      if (code) list.push({ in: 'code', snippet: code });
      out.set(d.id, list);
    }
    const partial = new Map<string, SearchMatch[]>();
    for (const r of rows) {
      const m: SearchMatch = { in: r.place, snippet: markedHtml(r.snippet ?? '') };
      if (r.filename) m.filename = r.filename;
      if (r.every) out.get(r.document_id)?.push(m);
      else partial.set(r.document_id, [...(partial.get(r.document_id) ?? []), m]);
    }
    for (const [id, list] of out) if (!list.length && partial.has(id)) list.push(...partial.get(id)!);
    for (const list of out.values()) list.sort((a, b) => MATCH_PLACES.indexOf(a.in) - MATCH_PLACES.indexOf(b.in));
    return out;
  }
}

/** A content or file match of matchesSql. */
export interface MatchRow {
  document_id: string;
  place: 'content' | 'file';
  every: boolean;
  filename: string | null;
  snippet: string;
}
