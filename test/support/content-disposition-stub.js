// content-disposition@3 (pulled in by @fastify/static for the API docs) is ESM-only. Node >= 20.19
// require()s it, but Jest's module runtime cannot below Node 24.9, so in-process tests of the API
// use this CommonJS stand-in. Only reply.download() uses it, which the API never calls.
module.exports = {
  create: (filename) => (filename ? `attachment; filename="${String(filename).replace(/["\\]/g, '_')}"` : 'attachment'),
};
