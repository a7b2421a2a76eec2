#!/usr/bin/env node
// Koa's hello world on the real Koa: the `koa-hello` row of `yolk bench` (src/bench.rs).
// Our Rust twins are the `chapter-0N-hello` servers of examples/bench_server.rs.
//
// Usage: node hello.js [--listen HOST:PORT]   (port 0 picks a free one)
'use strict';

const Koa = require('koa');

const app = new Koa();

app.use(async (ctx) => {
  ctx.body = 'Hello World';
});

const args = process.argv.slice(2);
const at = args.indexOf('--listen');
const [host, port] = (at >= 0 ? args[at + 1] : '127.0.0.1:3000').split(':');
const server = app.listen(Number(port), host, () => {
  const { address, port: bound } = server.address();
  console.log(`listening on http://${address}:${bound}`);
});
