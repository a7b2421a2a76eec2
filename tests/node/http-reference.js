#!/usr/bin/env node
// Yolk, chapter 01: a reference server built on Node's own `http` module.
//
// We run the same raw requests against this server and against our Rust
// server (chapters/chapter-01) and compare the bytes on the wire. Each route
// mirrors one of our examples or one wire case from the chapter's tests.
//
// Usage:  node tests/node/http-reference.js [PORT]     (PORT may be 0)
//         PORT=0 node tests/node/http-reference.js
// Optional env, to observe the timeouts quickly (milliseconds):
//         HEADERS_TIMEOUT, REQUEST_TIMEOUT, KEEP_ALIVE_TIMEOUT,
//         CHECK_INTERVAL (how often Node looks for expired headers/request
//         timers; default 30000, so a low HEADERS_TIMEOUT needs it too)
// Once listening it prints one line: `listening on http://ADDR:PORT`.
'use strict';

const http = require('node:http');

// Small helper: wait `ms` milliseconds.
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One function per route; each gets Node's (req, res) pair untouched.
const routes = {
  // Like examples/hello.rs: no headers set by us at all.
  '/hello': (req, res) => res.end('Hello World'),
  '/hello-typed': (req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('Hello World');
  },
  // Like examples/echo.rs: stream the request body straight back.
  '/echo': (req, res) => {
    res.statusCode = 200;
    req.pipe(res);
  },
  // Like examples/stream.rs: several writes spread over time.
  '/stream': async (req, res) => {
    for (const line of ['one\n', 'two\n', 'three\n']) {
      res.write(line);
      await delay(50);
    }
    res.end();
  },
  // A write followed by end(data): two pieces of one body.
  '/write-end': (req, res) => {
    res.write('a');
    res.end('b');
  },
  // The handler fixes the length itself before writing.
  '/set-length': (req, res) => {
    res.setHeader('Content-Length', '5');
    res.write('hel');
    res.end('lo');
  },
  '/empty': (req, res) => res.end(),
  // Statuses that may not carry a body: does Node drop it?
  '/status-204': (req, res) => {
    res.statusCode = 204;
    res.end('ignored body?');
  },
  '/status-304': (req, res) => {
    res.statusCode = 304;
    res.end('ignored body?');
  },
  '/custom-message': (req, res) => {
    res.statusCode = 200;
    res.statusMessage = 'Fine Thanks';
    res.end('ok');
  },
  '/write-head': (req, res) => {
    res.writeHead(201, { 'X-A': '1' });
    res.end('x');
  },
  // Never ends the response: only the server's timeouts can end this.
  '/no-end': () => {},
  // Throws synchronously: in Node this is an uncaught exception.
  '/throw': () => {
    throw new Error('boom from /throw');
  },
};

// connectionsCheckingInterval can only be given when the server is created.
const options = {};
if (process.env.CHECK_INTERVAL !== undefined) {
  options.connectionsCheckingInterval = Number(process.env.CHECK_INTERVAL);
}

const server = http.createServer(options, (req, res) => {
  const path = req.url.split('?')[0];
  const route = routes[path];
  if (route) return route(req, res);
  res.statusCode = 404;
  res.end('Not Found');
});

// Timeouts: keep Node's defaults unless the environment overrides them.
for (const [env, field] of [
  ['HEADERS_TIMEOUT', 'headersTimeout'],
  ['REQUEST_TIMEOUT', 'requestTimeout'],
  ['KEEP_ALIVE_TIMEOUT', 'keepAliveTimeout'],
]) {
  if (process.env[env] !== undefined) server[field] = Number(process.env[env]);
}

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const { address, port: bound } = server.address();
  console.log(`listening on http://${address}:${bound}`);
});
