// A stand-in for the GitHub REST API on 127.0.0.1: the endpoints the GitHub layer uses, backed by
// in-memory issues, comments and pull requests, with Link-header pagination. Every request is
// recorded (method, path, query, body) so tests can assert the exact sequence.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: any;
  authorization?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  /** Who wrote it (default: the workflow's bot). */
  author?: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  pull_request?: boolean;
}

export interface FakePull {
  number: number;
  merged_at: string | null;
  merge_commit_sha: string | null;
  /** Commits this pull request contains (GET /commits/{sha}/pulls answers for these and the merge commit). */
  commits: string[];
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: FakeComment[];
  issues: FakeIssue[];
  pulls: FakePull[];
  /** Answer this many items per page at most (GitHub's own maximum is 100). */
  pageSize: number;
  /** Requests answered with this status instead (e.g. 'POST /repos/o/r/issues/7/comments' → 403). */
  failures: Map<string, number>;
  /** The requests as "METHOD /path?query" lines, for compact exact assertions. */
  lines: () => string[];
  close: () => Promise<void>;
}

export const OWNER = 'contoso-it';
export const REPO = 'exo-config';

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake = {
    url: '',
    requests: [] as RecordedRequest[],
    comments: [] as FakeComment[],
    issues: [] as FakeIssue[],
    pulls: [] as FakePull[],
    pageSize: 100,
    failures: new Map<string, number>(),
  } as FakeGitHub;

  const base = `/repos/${OWNER}/${REPO}`;
  const commentJson = (c: FakeComment) => ({ id: c.id, body: c.body, html_url: `https://github.test/${OWNER}/${REPO}/issues/${c.issue}#issuecomment-${c.id}`, user: { login: c.author ?? 'github-actions[bot]' } });
  const issueJson = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason ?? null,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.test/${OWNER}/${REPO}/issues/${i.number}`,
    ...(i.pull_request ? { pull_request: { url: `${fake.url}${base}/pulls/${i.number}` } } : {}),
  });

  function page<T>(request: RecordedRequest, items: T[], response: ServerResponse): T[] {
    const perPage = Math.min(Number(request.query.per_page ?? 30), fake.pageSize);
    const current = Number(request.query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const params = new URLSearchParams({ ...request.query, page: String(n) });
      return `<${fake.url}${request.path}?${params}>`;
    };
    const links: string[] = [];
    if (current < last) links.push(`${link(current + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (current > 1) links.push(`${link(1)}; rel="first"`, `${link(current - 1)}; rel="prev"`);
    if (links.length > 0) response.setHeader('link', links.join(', '));
    return items.slice((current - 1) * perPage, current * perPage);
  }

  function answer(request: RecordedRequest, response: ServerResponse): [number, unknown] {
    const failure = fake.failures.get(`${request.method} ${request.path}`);
    if (failure !== undefined) return [failure, { message: 'Resource not accessible by integration' }];
    const p = request.path;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(p))) {
      const issue = Number(m[1]);
      if (request.method === 'GET') return [200, page(request, fake.comments.filter((c) => c.issue === issue), response).map(commentJson)];
      if (request.method === 'POST') {
        const comment = { id: nextId++, issue, body: String(request.body.body) };
        fake.comments.push(comment);
        return [201, commentJson(comment)];
      }
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(p)) && request.method === 'PATCH') {
      const comment = fake.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = String(request.body.body);
      return [200, commentJson(comment)];
    }
    if (p === `${base}/issues` && request.method === 'GET') {
      const labels = (request.query.labels ?? '').split(',').filter((l) => l !== '');
      const state = request.query.state ?? 'open';
      const found = fake.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l))).sort((a, b) => (request.query.direction === 'asc' ? a.number - b.number : b.number - a.number));
      return [200, page(request, found, response).map(issueJson)];
    }
    if (p === `${base}/issues` && request.method === 'POST') {
      const number = Math.max(0, ...fake.issues.map((i) => i.number), ...fake.pulls.map((x) => x.number)) + 1;
      const issue: FakeIssue = { number, title: request.body.title, body: request.body.body ?? '', state: 'open', labels: request.body.labels ?? [] };
      fake.issues.push(issue);
      return [201, issueJson(issue)];
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)$`).exec(p)) && request.method === 'PATCH') {
      const issue = fake.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return [404, { message: 'Not Found' }];
      if (request.body.title !== undefined) issue.title = request.body.title;
      if (request.body.body !== undefined) issue.body = request.body.body;
      if (request.body.state !== undefined) issue.state = request.body.state;
      if (request.body.state_reason !== undefined) issue.state_reason = request.body.state_reason;
      return [200, issueJson(issue)];
    }
    if ((m = new RegExp(`^${base}/commits/([0-9a-f]+)/pulls$`).exec(p)) && request.method === 'GET') {
      const sha = m[1]!;
      const found = fake.pulls.filter((x) => x.merge_commit_sha === sha || x.commits.includes(sha));
      return [200, found.map((x) => ({ number: x.number, merged_at: x.merged_at, merge_commit_sha: x.merge_commit_sha, state: x.merged_at ? 'closed' : 'open' }))];
    }
    return [404, { message: `Not Found: ${request.method} ${p}` }];
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(text ? { body: JSON.parse(text) } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      };
      fake.requests.push(request);
      const [status, json] = answer(request, res);
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.lines = () => fake.requests.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query)}` : ''}`);
  fake.close = () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return fake;
}
