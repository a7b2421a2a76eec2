#!/usr/bin/env node
// Yolk's Koa showcase (see shared/showcase/koa-showcase.md), written for the real Koa.
// Our Rust twin is chapters/chapter-04/examples/showcase.rs; the differential test sends
// the same requests to both and compares the answers.
//
// Usage: node showcase.js [--listen HOST:PORT]   (port 0 picks a free one)
'use strict';

const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');

const app = new Koa();
app.proxy = true;
app.keys = ['yolk key 2', 'yolk key 1'];
app.maxIpsCount = 0;
app.subdomainOffset = 2;
app.silent = true;

// The onion recorder: the first layer in, the last out.
app.use(async (ctx, next) => {
  ctx.state.trail = ['a>'];
  await next();
  ctx.state.trail.push('<a');
  ctx.set('X-Trail', ctx.state.trail.join(','));
});

app.use(bodyParser({ enableTypes: ['json', 'form', 'text'] }));

const router = new Router();

router.get('/text', (ctx) => { ctx.body = 'hello'; });
router.get('/html', (ctx) => { ctx.body = '  <p>hi</p>'; });
router.get('/json', (ctx) => { ctx.body = { a: 1, list: [true, null, 'x'], nested: { k: 'v' } }; });
router.get('/buffer', (ctx) => { ctx.body = Buffer.from('bin\u0000ary'); });
router.get('/null', (ctx) => { ctx.body = null; });
router.get('/null-404', (ctx) => { ctx.status = 404; ctx.body = null; });
router.get('/status/:code', (ctx) => { ctx.status = Number(ctx.params.code); });
router.get('/message', (ctx) => { ctx.status = 200; ctx.message = 'Fine Thanks'; });
router.get('/type/:type', (ctx) => { ctx.type = ctx.params.type; ctx.body = 'typed'; });
router.get('/throw/:code', (ctx) => { ctx.throw(Number(ctx.params.code), 'custom message'); });
router.get('/throw-plain', (ctx) => { ctx.throw(418); });
router.get('/error', () => { throw new Error('secret detail'); });
router.get('/error-headers', (ctx) => {
  ctx.set('X-Gone', '1');
  const e = new Error('nope');
  e.status = 403;
  e.headers = { 'X-Why': 'because' };
  throw e;
});
router.get('/assert', (ctx) => {
  ctx.assert(ctx.query.ok === 'yes', 401, 'need ok');
  ctx.body = 'ok';
});
router.get('/redirect', (ctx) => { ctx.redirect('/text'); });
router.get('/redirect-abs', (ctx) => { ctx.redirect('http://Example.com/a b?x=ü'); });
router.get('/redirect-301', (ctx) => { ctx.status = 301; ctx.redirect('/text'); });
router.get('/back', (ctx) => { ctx.redirect('back', '/fallback'); });
router.get('/attachment/:name', (ctx) => { ctx.attachment(ctx.params.name); ctx.body = 'file body'; });
router.get('/request', (ctx) => {
  const r = ctx.request;
  ctx.body = {
    method: r.method, url: r.url, originalUrl: r.originalUrl, path: r.path,
    querystring: r.querystring, search: r.search, query: r.query, host: r.host,
    hostname: r.hostname, protocol: r.protocol, secure: r.secure, ip: r.ip, ips: r.ips,
    origin: r.origin, href: r.href, subdomains: r.subdomains, type: r.type,
    charset: r.charset, length: r.length === undefined ? null : r.length,
    idempotent: r.idempotent, fresh: r.fresh, stale: r.stale,
  };
});
router.get('/rewrite', (ctx) => {
  ctx.querystring = 'a=1&b=2';
  ctx.path = '/rewritten';
  ctx.body = { url: ctx.url, originalUrl: ctx.originalUrl, query: ctx.query };
});
router.get('/accepts', (ctx) => {
  ctx.body = {
    type: ctx.accepts('json', 'html', 'text'),
    types: ctx.accepts(),
    encoding: ctx.acceptsEncodings('gzip', 'deflate', 'identity'),
    encodings: ctx.acceptsEncodings(),
    charset: ctx.acceptsCharsets('utf-8', 'iso-8859-1'),
    language: ctx.acceptsLanguages('en', 'zh-CN', 'fr'),
  };
});
router.post('/is', (ctx) => {
  ctx.body = {
    is: ctx.is(), json: ctx.is('json'), form: ctx.is('urlencoded'),
    text: ctx.is('text/*'), image: ctx.is('image/png', 'png'),
  };
});
router.get('/cookies/set', (ctx) => {
  ctx.cookies.set('signed', 'v1', { signed: true });
  ctx.cookies.set('plain', 'p1');
  ctx.cookies.set('gone', null);
  ctx.body = 'set';
});
router.get('/cookies/get', (ctx) => {
  ctx.body = {
    signed: ctx.cookies.get('signed', { signed: true }) ?? null,
    plain: ctx.cookies.get('plain') ?? null,
  };
});
router.get('/cookies/secure', (ctx) => { ctx.cookies.set('s', 'x', { secure: true }); ctx.body = 'ok'; });
router.get('/fresh', (ctx) => {
  ctx.set('ETag', '"v1"');
  ctx.lastModified = new Date(Date.UTC(2024, 0, 1));
  ctx.body = { fresh: ctx.fresh };
  if (ctx.fresh) ctx.status = 304;
});
router.get('/vary', (ctx) => {
  ctx.vary('Accept');
  ctx.vary('Accept-Encoding');
  ctx.vary('accept');
  ctx.body = 'v';
});
router.get('/headers', (ctx) => {
  ctx.set('X-A', '1');
  ctx.append('X-B', '1');
  ctx.append('X-B', '2');
  ctx.set({ 'X-C': 'c', 'X-D': 'd' });
  ctx.remove('X-C');
  ctx.body = { has: ctx.response.has('x-d'), get: ctx.response.get('X-B') };
});
router.get('/etag', (ctx) => { ctx.etag = 'abc'; ctx.body = 'tagged'; });
router.get('/onion', (ctx) => { ctx.state.trail.push('handler'); ctx.body = 'layers'; });
router.get('/users/:id', (ctx) => { ctx.body = { id: ctx.params.id }; });
router.get('/files/:path(.*)', (ctx) => { ctx.body = { path: ctx.params.path }; });
router.get('/opt/:a/:b?', (ctx) => { ctx.body = ctx.params; });
router.get('/things', (ctx) => { ctx.body = ctx.method; });
router.put('/things', (ctx) => { ctx.body = ctx.method; });
router.get('/multi/:x', async (ctx, next) => { ctx.state.hits = ['first']; await next(); });
router.get('/multi/:x', (ctx) => { ctx.body = ctx.state.hits.concat('second'); });

const api = new Router();
api.get('/items/:id', (ctx) => { ctx.body = { id: ctx.params.id, routerPath: ctx.routerPath }; });
router.use('/api/v1', api.routes());

router.get('user', '/named/:name', (ctx) => {
  ctx.body = { url: router.url('user', { name: 'a b/c' }, { query: { q: '1 2' } }) };
});
router.post('/echo', (ctx) => {
  ctx.body = {
    body: ctx.request.body ?? null,
    rawBody: ctx.request.rawBody ?? null,
    type: ctx.request.type,
  };
});
router.redirect('/old', '/text');

app.use(router.routes());
app.use(router.allowedMethods());

const args = process.argv.slice(2);
const at = args.indexOf('--listen');
const [host, port] = (at >= 0 ? args[at + 1] : '127.0.0.1:3000').split(':');
const server = app.listen(Number(port), host, () => {
  const { address, port: bound } = server.address();
  console.log(`listening on http://${address}:${bound}`);
});
