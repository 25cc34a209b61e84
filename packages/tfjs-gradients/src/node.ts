// Node's half of @cnnkit/tfjs-gradients (see browser.ts for what the package does).
//
// Why a resolve hook: tfjs-core's CommonJS build, which Node loads for
// `@tensorflow/tfjs-core`, registers almost no gradients; the gradients live in its per-file
// ES modules (`dist/register_all_gradients.js` and what it imports), whose relative imports
// have no file extension ('./gradients/Abs_grad'). Bundlers accept that; Node's ES module
// loader does not. The hook adds `.js` to such imports, and only for importers inside
// tfjs-core's own `dist/` folder, so nothing else in the process resolves differently. The
// modules it loads are the installed tfjs-core's, and they register into the same global
// engine and gradient registry as the CommonJS build (tfjs keeps both on `globalThis`).
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const coreMain = nodeModule.createRequire(import.meta.url).resolve('@tensorflow/tfjs-core');
const coreDist = new URL('./', pathToFileURL(coreMain)).href;

// One hook module for both registration APIs: its `resolve` returns whatever `next` returns,
// so it works as a synchronous hook and as an asynchronous one. A data: URL, so the package
// needs no extra file.
const hookModule = `data:text/javascript,${encodeURIComponent(`
  const coreDist = ${JSON.stringify(coreDist)};
  export function resolve(specifier, context, next) {
    const inCore = context.parentURL !== undefined && context.parentURL.startsWith(coreDist);
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    const bare = relative && !/\\.[cm]?js$/.test(specifier);
    return next(inCore && bare ? specifier + '.js' : specifier, context);
  }
`)}`;

type ResolveHook = (specifier: string, context: object, next: unknown) => unknown;
const { registerHooks } = nodeModule as unknown as {
  registerHooks?: (hooks: { resolve: ResolveHook }) => unknown;
};

if (typeof registerHooks === 'function') {
  // Node >= 22.15 and 23.5: synchronous hooks in this thread (fast, and they cover require too).
  const { resolve } = (await import(hookModule)) as { resolve: ResolveHook };
  registerHooks({ resolve });
} else {
  // Node 20: asynchronous hooks on a loader thread.
  nodeModule.register(hookModule);
}

await import(new URL('register_all_gradients.js', coreDist).href);
