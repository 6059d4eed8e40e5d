/**
 * `npm run check` fails on an import cycle anywhere in the app, type-only imports included: modules that
 * import each other are one module in disguise, and a type cycle is where a runtime one starts.
 * (The generated worker/worker-configuration.d.ts names the Durable Object class for the binding's type; it is
 * a declaration file outside this graph.)
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycle: move the shared piece into a leaf module both sides import.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.types|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.worker.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
  },
};
